"""A static blog generator: Markdown posts with YAML front-matter in, a browsable site out.

Data flows one way: config -> load (sources, frontmatter, markdown) -> links -> index -> seo,
share -> render, feeds, sitemap -> write -> search, driven by `build` and exposed by `cli`.
"""

__version__ = "0.1.0"
