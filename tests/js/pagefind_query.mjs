// Runs one query against a built site's Pagefind index with Pagefind's own JavaScript API, the one
// the search page uses, and prints the results, best first, as JSON: [{url, title, score}].
// Usage: node pagefind_query.mjs OUTPUT_FOLDER QUERY BUNDLE [MERGED_BUNDLE...]
// (bundles as URL paths, `/pagefind/2021-q1/`: the first one's API merges the others, as the
// search page's UI does).
// Node has no page to fetch the index from: `fetch` is answered from the output folder instead,
// so the test needs no server and no network.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [root, query, bundle, ...merged] = process.argv.slice(2);
const origin = "http://localhost";

globalThis.fetch = async (resource) => {
  const path = decodeURIComponent(new URL(String(resource), origin).pathname);
  try {
    return new Response(await readFile(join(root, path)));
  } catch {
    return new Response("not found", { status: 404 });
  }
};

const pagefind = await import(pathToFileURL(join(root, bundle, "pagefind.js")).href);
await pagefind.options({ basePath: bundle });
await pagefind.init();
for (const path of merged) {
  await pagefind.mergeIndex(path);
}
const search = await pagefind.search(query);
const results = [];
for (const result of search.results) {
  const data = await result.data();
  results.push({ url: data.url, title: data.meta.title, score: result.score });
}
process.stdout.write(JSON.stringify(results));
