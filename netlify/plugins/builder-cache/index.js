// Keeps folders (netlify.toml: the builder's .cache and pip's downloads) from one Netlify build
// to the next with Netlify's own cache utilities (`utils.cache`, from @netlify/cache-utils):
// restored before the build command, saved after it succeeds. A stale builder cache is safe:
// the builder checks what it reads and redoes whatever changed.
"use strict";

module.exports = {
  async onPreBuild({ inputs, utils }) {
    for (const path of inputs.paths) {
      const restored = await utils.cache.restore(path);
      console.log(restored ? `Restored ${path} from the previous build` : `No ${path} cached yet`);
    }
  },

  async onPostBuild({ inputs, utils }) {
    for (const path of inputs.paths) {
      const saved = await utils.cache.save(path);
      console.log(saved ? `Saved ${path} for the next build` : `No ${path} to save`);
    }
  },
};
