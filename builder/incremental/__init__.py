"""The incremental layer: the work of skipping work, and everything kept in `.cache/`.

Above the writer (core < content < site < output < writer < incremental < commands): only `build`,
`serve` and `cli` import it; no other layer knows that a cache exists. Importing this package
imports none of its modules, so that the check that a build has nothing to do loads only the
few it needs.

- `build_cache`: `BuildCache`, the one door: what a build may skip, and what it made;
- `fast_build`: the fast path, as a build of its own: only edited posts' pages and feeds;
- `memo`: what a preview keeps in memory between builds;
- `up_to_date`: whether a build has nothing to do, before the rest of the builder loads;
- `store`: the one format, writer and reader of every file in `.cache/`;
- `last_build`: what the last build was made from (`state.json`), so that "nothing to do" is known at once;
- `post_cache`: posts as loaded, kept in shards between builds;
- `output_record`: what the output holds, and what each of its files was made from;
- `fast_path`: the fast path after editing posts' bodies: its record, and the plan of what to make.
"""
