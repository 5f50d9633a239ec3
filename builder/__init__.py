"""A static blog generator: Markdown posts with YAML front-matter in, a browsable site out.

Its packages are its layers, lowest first; a module imports only from its own layer or lower
ones (tests/test_layers.py checks it):

- `core`: problems, the data model, URLs, processes;
- `content`: the sources read, validated and rendered into posts;
- `site`: posts arranged into tags, topics, archives, pages of posts;
- `output`: pages, feeds and the other files made in memory;
- `writer`: the one writer of the output folder, and the search index made before publishing;
- `incremental`: what a build can skip, behind one `BuildCache`: the cache, the record of the
  output, the fast path;
- the commands: `cli` (the `blog` command), `build` (config -> load -> index -> render, feeds
  -> write, asking its `BuildCache` what to skip), `serve`, `check`, `commands` (new, init,
  import, due), `scaffold`, `progress`,
  and `importers` (other blogs' posts).
"""

__version__ = "0.1.0"
