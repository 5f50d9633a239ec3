"""The site: posts arranged, by pure functions, into what the pages and feeds show.

Above the content (core < content < site < output < writer < incremental < commands): it reads
`Post`s and `Config`, renders and writes nothing.

- `index`: order, neighbours, related posts, tags, topics, archives, pagination, and the feeds' channels;
- `publishing`: the build's moment, the posts it leaves out, and how long what it publishes stays the same.
"""
