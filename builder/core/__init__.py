"""The core: what every layer shares, and needs nothing of the builder to work.

The lowest layer (core < content < site < output < writer < incremental < commands): it imports no
other package of the builder.

- `errors`: `Problem(path, line, col, message, severity, hint)`, and `BuildFailed`, raised once with them all;
- `model`: frozen data that flows through a build (`Config`, `Post`, `Page`…), no I/O;
- `report`: what a build is asked to do (`BuildOptions`) and what it did (`BuildReport`), by stage;
- `urls`: the one URL scheme of the site, the output path of each URL, and slugs;
- `parallel`: independent work spread over processes, the results kept in order;
- `gc_pause`: Python's garbage collector, paused over work that makes many objects and few cycles.
"""
