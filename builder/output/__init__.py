"""The output: every file a build publishes, made in memory, then written by one writer.

Above the site (core < content < site < output < incremental < commands): it knows nothing
of the cache; only the commands call the writer.

- `render`: pages rendered with Jinja (autoescaped, strict), each template given its context;
- `reads`: what a theme's templates read of the posts a page lists, to key the page by it;
- `seo`: what a page's <head> says (title, description, canonical URL, OpenGraph, JSON-LD);
- `share`: links that share a post by e-mail and on social networks;
- `chart`: the archives' chart of posts per month, as inline SVG;
- `feeds`: RSS, Atom and JSON Feed, for the site, each tag and each topic;
- `sitemap`: the sitemap and robots.txt;
- `assets`: stylesheets and scripts under names that carry a digest of their bytes;
- `redirects`: each post's old URLs, as Netlify's `_redirects`;
- `headers`: the Content-Security-Policy, as Netlify's `_headers`;
- `schedule`: what a build published (`schedule.json`), and which posts came due since;
- `search`: the Pagefind index of the post pages;
- `write`: the only writer of the output: staged, atomic, unchanged files left alone.
"""
