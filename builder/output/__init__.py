"""The output: every file a build publishes, made in memory, and handed to a `Destination`.

Above the site (core < content < site < output < writer < incremental < commands): it knows nothing
of the cache, and never imports the writer: the commands hand it down as a `Destination`.

- `assemble`: every output file of a build, and the problems only those files show;
- `destination`: where made pages go, as the code that makes them sees it;
- `paths`: the one rule for output paths: inside the output folder, one page each;
- `templates`: a theme's Jinja templates: the environment (autoescaped, strict), their digests;
- `pages`: the job of every page: its template, URL, inputs, and the context made of them alone;
- `keys`: each page's key, a digest of its template and of the inputs its context is made of;
- `render`: the pages' jobs rendered with Jinja, on processes, template errors located;
- `template_reads`: what a theme's templates read of the posts a page lists, to key the page by it;
- `seo`: what a page's <head> says (title, description, canonical URL, OpenGraph, JSON-LD);
- `share`: links that share a post by e-mail and on social networks;
- `chart`: the archives' chart of posts per month, as inline SVG;
- `feeds`: RSS, Atom and JSON Feed, for the site, each tag and each topic;
- `sitemap`: the sitemap and robots.txt;
- `assets`: stylesheets and scripts under names that carry a digest of their bytes;
- `redirects`: each post's old URLs, as Netlify's `_redirects`;
- `headers`: the Content-Security-Policy, as Netlify's `_headers`;
- `schedule`: what a build published (`schedule.json`), and which posts came due since;
- `search`: the Pagefind index of the post pages.
"""
