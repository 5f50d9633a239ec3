"""The content: a site's sources (site.yaml, posts) read, validated and rendered into `Post`s.

Above the core (core < content < site < output < writer < incremental < commands): it knows nothing
of listings, pages, the output or the cache.

- `folders`: where a site's posts, templates and static files are;
- `sources`: a source file read safely (inside the site, of a sane size, decoded);
- `yamldoc`: YAML mappings read with the line of each key;
- `field_checks`: the checks the config and the front-matter share (known keys, types);
- `config`: `site.yaml` read and validated into a frozen `Config`;
- `frontmatter`: a post split into front-matter and body, its fields validated;
- `markdown`: Markdown in, HTML and headings out (the parser's setup and rules);
- `highlight`: fenced code highlighted by Pygments, and its stylesheet;
- `sanitise`: raw HTML, where the site allows it, cut down to an allow-list;
- `collect`: a body's headings, link targets and raw HTML with their places, and its words;
- `typography`: French typography for prose (no-break spaces, apostrophes, guillemets);
- `french`: French wording of dates and counts;
- `load`: the only reader of `content/`: post files in, `Post`s and problems out;
- `links`: links between posts, written as files, turned into URLs and checked;
- `static`: the static files of the site and its theme, to copy as they are.
"""
