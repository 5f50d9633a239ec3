"""YAML mappings read with the position of each key, so problems can name their line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from builder.core.errors import Problem, cut, quoted

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_INT = "tag:yaml.org,2002:int"
# `key: value`, possibly as an item of a list: the line a colon in the value breaks.
_KEY_VALUE = re.compile(r"(?P<indent>\s*(?:-\s+)?)(?P<key>[^\s:#'\"][^:#]*?):\s+(?P<value>.*?)\s*")
# No field nests deeper than topics' fields (3); values a thousand levels deep (what libyaml allows)
# overflow Python's stack in whatever walks them by recursion (copy.deepcopy: RecursionError).
_MAX_DEPTH = 20
# No field wants a longer number; Python refuses to read one of more than 4,300 digits (ValueError).
_MAX_DIGITS = 100


# libyaml's parser where PyYAML was built with it: the same results, several times faster.
_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BASE):  # type: ignore[misc, valid-type]
    """A safe loader that keeps dates as strings, so that the builder parses them itself
    and can say which date is impossible and where (PyYAML raises a bare ValueError)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in _BASE.yaml_implicit_resolvers.items()
}


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    """Give a YAML integer, refusing one too long to be any field's value."""
    if len(node.value) > _MAX_DIGITS:
        raise yaml.constructor.ConstructorError(
            None, None, f"a number of {len(node.value)} characters is too long (at most {_MAX_DIGITS})",
            node.start_mark)
    return _BASE.construct_yaml_int(loader, node)


_Loader.add_constructor(_INT, _construct_int)


@dataclass(frozen=True, slots=True)
class Mapping:
    """A parsed YAML mapping and the 1-based (line, col) of each of its keys."""

    values: dict[str, Any]
    positions: dict[str, tuple[int, int]]
    start: tuple[int, int]  # where the document starts, for problems about it as a whole
    # Where each key of a mapping and each item of a list inside a value is written, by its path
    # of keys and indexes: ("topics", "sante"), ("tags", 0).
    nested: dict[tuple[str | int, ...], tuple[int, int]] = field(default_factory=dict)

    def position(self, key: str) -> tuple[int, int]:
        """Give where `key` is written, or where the document starts if it is absent."""
        return self.positions.get(key, self.start)

    def position_of(self, *keys: str | int) -> tuple[int, int]:
        """Give where the key or item at the path `keys` is written, or its nearest parent that is."""
        for end in range(len(keys), 1, -1):
            if keys[:end] in self.nested:
                return self.nested[keys[:end]]
        return self.position(keys[0])


def parse_mapping(text: str, path: Path, first_line: int = 1) -> Mapping | Problem:
    """Parse `text` (which starts at line `first_line` of `path`) as a YAML mapping with
    string keys; give a located problem instead when it is not one."""
    offset = first_line - 1
    loader = _Loader(text)
    try:
        anchor = _first_anchor(text)
        if anchor is not None:
            # An alias repeats what its anchor names: nested, a few lines stand for billions of values.
            return Problem(path, anchor.line + 1 + offset, anchor.column + 1,
                           "YAML anchors and aliases (`&name`, `*name`) are not allowed",
                           hint="write each value out in full")
        node = loader.get_single_node()
        if node is None:
            return Mapping({}, {}, (first_line, 1))
        if not isinstance(node, yaml.MappingNode):
            mark = node.start_mark
            kind = {yaml.SequenceNode: "a list", yaml.ScalarNode: "a single value"}[type(node)]
            return Problem(path, mark.line + 1 + offset, mark.column + 1,
                           f"expected a mapping of `key: value` lines, found {kind}")
        positions: dict[str, tuple[int, int]] = {}
        for key_node, _ in node.value:
            where = (key_node.start_mark.line + 1 + offset, key_node.start_mark.column + 1)
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                shown = quoted(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "a structure"
                return Problem(path, *where, f"keys must be plain words, found {shown}")
            if key_node.value in positions:
                line = positions[key_node.value][0]
                return Problem(path, *where, f"duplicate key `{cut(key_node.value)}` (first set on line {line})")
            positions[key_node.value] = where
        deep = _too_deep(node)
        if deep is not None:
            return Problem(path, deep.start_mark.line + 1 + offset, deep.start_mark.column + 1,
                           f"values nest more than {_MAX_DEPTH} levels deep")
        values = loader.construct_document(node)
        return Mapping(values, positions, (first_line, 1), _nested_positions(node, offset))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        # libyaml marks an error at the end of the text one line past it: keep it on the last line.
        last = text.count("\n")
        line, col = (min(mark.line, last) + 1 + offset, mark.column + 1 if mark.line <= last else 1) if mark else (first_line, 1)
        problem, hint = _explain(text, mark.line if mark else 0, str(error.problem or error.context))
        return Problem(path, line, col, f"invalid YAML: {problem}", hint=hint)
    except yaml.YAMLError as error:
        return Problem(path, first_line, 1, f"invalid YAML: {error}")
    finally:
        loader.dispose()


def _explain(text: str, line: int, problem: str) -> tuple[str, str | None]:
    """Give a YAML error's problem and, for the mistakes editors make most on the line it
    names, their fix: a tab in the indentation, a `: ` inside a value (`title: Covid : le point`)."""
    lines = text.split("\n")
    source = lines[min(line, len(lines) - 1)]
    if "\t" in source[:len(source) - len(source.lstrip())]:
        # libyaml words it in several ways, by what the tab precedes
        return "a tab in the indentation", "indent with spaces, not tabs"
    match = _KEY_VALUE.fullmatch(source)
    if "mapping values" in problem and match and match["value"][:1] not in ("'", '"'):
        value = cut(match["value"]).replace("\\", "\\\\").replace('"', '\\"')
        return problem, f"a `: ` inside a value starts a new key: put the value in quotes, {match['key']}: \"{value}\""
    return problem, None


def _too_deep(root: yaml.Node) -> yaml.Node | None:
    """Give the first list or mapping nested more than `_MAX_DEPTH` levels deep in `root`, or None."""
    todo = [(root, 1)]
    while todo:  # a stack, not recursion: nodes may nest a thousand levels deep
        node, depth = todo.pop()
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and depth > _MAX_DEPTH:
            return node
        if isinstance(node, yaml.MappingNode):
            todo += [(child, depth + 1) for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            todo += [(child, depth + 1) for child in node.value]
    return None


def _nested_positions(root: yaml.MappingNode, offset: int) -> dict[tuple[str | int, ...], tuple[int, int]]:
    """Give the 1-based position of every key of the mappings, and every item of the lists,
    inside `root`'s values, by path."""
    found: dict[tuple[str | int, ...], tuple[int, int]] = {}
    todo = [((key.value,), value) for key, value in root.value if isinstance(key, yaml.ScalarNode)]
    while todo:  # a stack, not recursion: libyaml allows a thousand levels of nesting
        path, node = todo.pop()
        if isinstance(node, yaml.MappingNode):
            children = [(key.value, key, value) for key, value in node.value if isinstance(key, yaml.ScalarNode)]
        elif isinstance(node, yaml.SequenceNode):
            children = [(index, item, item) for index, item in enumerate(node.value)]
        else:
            continue
        for name, mark_node, value in children:
            mark = mark_node.start_mark
            found.setdefault((*path, name), (mark.line + 1 + offset, mark.column + 1))
            todo.append(((*path, name), value))
    return found


def _first_anchor(text: str) -> yaml.Mark | None:
    """Give where the first anchor or alias of `text` is written, or None if it has none."""
    if "&" not in text and "*" not in text:  # neither can be written without them: parse once only
        return None
    loader = _Loader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return event.start_mark
        return None
    finally:
        loader.dispose()
