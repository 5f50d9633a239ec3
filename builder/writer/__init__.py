"""The writer: the only code that changes the output folder.

Above the output (core < content < site < output < writer < incremental < commands): the
commands and the fast path hand its target down to the output code as a `Destination`.

- `write`: files staged beside the output, then moved in through a journal or swapped in
  whole; unchanged files left alone; a build killed mid-way recovered;
- `publish`: the staged files put in place, with the search index made first when a post page changed.
"""
