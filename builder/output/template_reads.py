"""What a theme's templates read of the posts a page lists (its neighbours, related posts, the
posts of a listing), so that such a page is keyed by those values alone: an edit to a post's
body then leaves every page but its own, and the feeds, as they were.

The answer comes from the templates' syntax trees, and errs on the side of reading more: every
attribute named anywhere in a template (`other.title`, `map(attribute="summary")`, `p["url"]`)
counts, except those of the page's own `post` in a template (and the templates it uses) where
that name is never bound to another post. A template that reads attributes it does not name
(`p[name]`, `attr(name)`, `pprint`, `tojson`) reads everything. Printing a whole post object
(`{{ other }}`, its Python repr) is not followed: no theme would.
"""

from __future__ import annotations

import dataclasses

from jinja2 import nodes

from builder.core.model import Post

OWN_POST = "post"  # the name a post's page gives its own post
# What a template may read of a post: its fields, and its properties (read as they are: a post
# whose word count moves keeps its reading time); a method, by the field it reads.
POST_NAMES = tuple(sorted({field.name for field in dataclasses.fields(Post)}
                         | {"body_html", "modified", "reading_minutes"}))
_METHODS = {"line_of": "field_lines", "fence_html": "body"}
# Filters that read attributes they do not name.
_READS_ALL = {"pprint", "tojson", "xmlattr", "dictsort"}
_VARIES = object()  # what `_constant` gives for an expression whose value is known only when rendering


@dataclasses.dataclass(frozen=True, slots=True)
class Reads:
    """The attributes one template file names: of its `post`, and of anything else; whether
    it binds `post` to something (a loop, a `set`, a macro's parameter); whether it reads
    attributes it does not name."""

    of_post: frozenset[str]
    others: frozenset[str]
    binds_post: bool
    dynamic: bool


def template_reads(tree: nodes.Template | None) -> Reads:
    """Give what one template file names, from its syntax tree (None for a template that does
    not parse: it reads anything, and rendering reports its error)."""
    if tree is None:
        return Reads(frozenset(), frozenset(), True, True)
    of_post, others, binds, dynamic = set(), set(), False, False
    for node in tree.find_all(nodes.Node):
        if isinstance(node, nodes.Getattr):
            (of_post if _is_own(node.node) else others).add(node.attr)
        elif isinstance(node, nodes.Getitem):
            key = _constant(node.arg)
            if isinstance(key, str):
                (of_post if _is_own(node.node) else others).add(key)
            elif key is _VARIES and not isinstance(node.arg, nodes.Slice):
                dynamic = True
        elif isinstance(node, nodes.Const) and isinstance(node.value, str):
            others.add(node.value)  # `attribute="title"`, `attr("title")`, `sort(attribute=…)`
        elif isinstance(node, nodes.Filter) and (node.name in _READS_ALL or node.name == "attr" and not all(
                isinstance(arg, nodes.Const) for arg in node.args)):
            dynamic = True
        elif isinstance(node, nodes.Name) and node.name == OWN_POST and node.ctx in ("store", "param"):
            binds = True
    return Reads(frozenset(of_post), frozenset(others), binds, dynamic)


def _constant(node: nodes.Node) -> object:
    """Give the value of a constant expression (`"title"`, `-1`), or `_VARIES`."""
    try:
        return node.as_const()
    except (nodes.Impossible, TypeError):
        return _VARIES


def _is_own(node: nodes.Node) -> bool:
    """Tell whether an expression is the bare name of the page's own post."""
    return isinstance(node, nodes.Name) and node.name == OWN_POST


def listed_post_names(reads: dict[str, Reads], closures: dict[str, frozenset[str]]) -> tuple[str, ...]:
    """Give the names of the post attributes that any page may show of a post other than its
    own, sorted: for each template, what the templates it uses (`closures`, by template name)
    read, `post`'s attributes included wherever `post` is bound to another."""
    names: set[str] = set()
    for closure in closures.values():
        used = [reads[name] for name in closure if name in reads]
        if any(read.dynamic for read in used):
            return POST_NAMES
        binds = any(read.binds_post for read in used)
        for read in used:
            names |= read.others | (read.of_post if binds else frozenset())
    names = {_METHODS.get(name, name) for name in names}
    return tuple(name for name in POST_NAMES if name in names)
