"""YAML mappings read with the position of each key, so problems can name their line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from builder.errors import Problem

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


# libyaml's parser where PyYAML was built with it: the same results, several times faster.
_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BASE):  # type: ignore[misc, valid-type]
    """A safe loader that keeps dates as strings, so that the builder parses them itself
    and can say which date is impossible and where (PyYAML raises a bare ValueError)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in _BASE.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, slots=True)
class Mapping:
    """A parsed YAML mapping and the 1-based (line, col) of each of its keys."""

    values: dict[str, Any]
    positions: dict[str, tuple[int, int]]
    start: tuple[int, int]  # where the document starts, for problems about it as a whole
    items: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)  # of each item of a list value

    def item_position(self, key: str, index: int) -> tuple[int, int]:
        """Give where item `index` of the list under `key` is written, or where the key is."""
        places = self.items.get(key, ())
        return places[index] if index < len(places) else self.position(key)

    def position(self, key: str) -> tuple[int, int]:
        """Give where `key` is written, or where the document starts if it is absent."""
        return self.positions.get(key, self.start)


def parse_mapping(text: str, path: Path, first_line: int = 1) -> Mapping | Problem:
    """Parse `text` (which starts at line `first_line` of `path`) as a YAML mapping with
    string keys; give a located problem instead when it is not one."""
    offset = first_line - 1
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Mapping({}, {}, (first_line, 1))
        if not isinstance(node, yaml.MappingNode):
            mark = node.start_mark
            kind = {yaml.SequenceNode: "a list", yaml.ScalarNode: "a single value"}[type(node)]
            return Problem(path, mark.line + 1 + offset, mark.column + 1,
                           f"expected a mapping of `key: value` lines, found {kind}")
        positions: dict[str, tuple[int, int]] = {}
        items: dict[str, tuple[tuple[int, int], ...]] = {}
        for key_node, value_node in node.value:
            where = (key_node.start_mark.line + 1 + offset, key_node.start_mark.column + 1)
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "a structure"
                return Problem(path, *where, f"keys must be plain words, found `{shown}`")
            if key_node.value in positions:
                line = positions[key_node.value][0]
                return Problem(path, *where, f"duplicate key `{key_node.value}` (first set on line {line})")
            positions[key_node.value] = where
            if isinstance(value_node, yaml.SequenceNode):  # a list's items, each to be named where it stands
                items[key_node.value] = tuple((item.start_mark.line + 1 + offset, item.start_mark.column + 1)
                                              for item in value_node.value)
        values = loader.construct_document(node)
        return Mapping(values, positions, (first_line, 1), items)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        # libyaml marks an error at the end of the text one line past it: keep it on the last line.
        last = text.count("\n")
        line, col = (min(mark.line, last) + 1 + offset, mark.column + 1 if mark.line <= last else 1) if mark else (first_line, 1)
        return Problem(path, line, col, f"invalid YAML: {error.problem or error.context}")
    except yaml.YAMLError as error:
        return Problem(path, first_line, 1, f"invalid YAML: {error}")
    finally:
        loader.dispose()
