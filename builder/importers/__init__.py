"""`blog import`: posts of another blog (WordPress, Jekyll, Hugo) moved into this site.

A command family (core < content < site < output < writer < incremental < commands): it imports only
the content layer and the core, reading other blogs as the content layer reads this one.

- `posts`: `import_posts`, the import itself; what every importer gives, written as post files, and the report;
- `wordpress`, `jekyll`, `hugo`: each reads its source into `posts.Imported` posts;
- `texts`: what Hugo's and Jekyll's Markdown files share: front-matter, dates, tags, images;
- `html`: WordPress's HTML to Markdown.
"""
