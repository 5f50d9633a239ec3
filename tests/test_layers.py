"""The builder's layers, read from its source with `ast`: core < content < site < output <
writer < incremental < commands; only the commands that build reach the incremental layer; the
code that makes pages never uses the writer; modules and functions stay short enough to read; each package opens with a
table of its modules."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from support import REPO

PACKAGE = "builder"
# Lowest first: a module imports from its own layer or lower ones. Whatever is not in one of
# these packages (`builder/cli.py`, `builder/importers/`…) is a command.
LAYERS = ("core", "content", "site", "output", "writer", "incremental", "commands")
# The commands that build: the only modules, outside the incremental layer, that may import it.
INCREMENTAL_USERS = frozenset(("builder.build", "builder.serve", "builder.cli"))
# `blog import` reads other blogs into posts: it needs the content layer, and nothing above it.
IMPORTERS, IMPORTERS_MAY_USE = "builder.importers", frozenset(("core", "content"))
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 400, 60

RULES = {
    "a": "only builder/incremental/ and the commands build, serve and cli may import builder.incremental",
    "b": "a layer imports only its own or lower ones (core < content < site < output < writer < incremental < "
         "commands; "
         "builder/importers/ only content and core)",
    "c": "the code that makes pages never uses the writer: no module of builder/output/ imports builder.writer",
    "d": f"a module stays within {MAX_MODULE_LINES} lines, a function within {MAX_FUNCTION_LINES}",
    "e": "a package's __init__.py is its table of contents: a docstring naming each of its modules, and no code "
         "(importing a package imports none of its modules)",
}

# Today's violations, left by the moves into packages and being fixed in parallel (issue 18).
# The list only shrinks: `test_every_allowed_violation_still_exists` fails once one is gone,
# so that its line is deleted here; the integrator empties it.
KNOWN_TODAY: frozenset[str] = frozenset()  # emptied: every rule holds


@dataclass(frozen=True, slots=True)
class Violation:
    """One rule broken by one module: where, what, and which rule."""

    path: str  # relative to the folder holding the package, as `builder/output/render.py`
    line: int
    what: str  # "imports builder.writer.write", "function plan over 60 lines"
    rule: str  # a key of RULES

    @property
    def key(self) -> str:
        """Give what names the violation in KNOWN_TODAY: the module and what it does, not the line."""
        return f"{self.path}: {self.what}"

    def format(self) -> str:
        """Give the violation as `path:line: what: the rule broken`."""
        return f"{self.path}:{self.line}: {self.what}: breaks rule ({self.rule}), {RULES[self.rule]}"


def modules(root: Path) -> dict[str, Path]:
    """Give every module of the package at `root`, by its dotted name."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def layer(module: str) -> str:
    """Give the layer a module belongs to; the package's own `__init__` (its version) is the lowest."""
    parts = module.split(".")
    if len(parts) == 1:
        return LAYERS[0]
    return parts[1] if parts[1] in LAYERS[:-1] else "commands"


def imported(module: str, path: Path, known: dict[str, Path]) -> Iterator[tuple[str, int]]:
    """Give each module of the package that `module` imports, anywhere in it (in functions too),
    with the line: `from builder.pkg import mod` imports the module `mod`, and
    `from builder import x` the package's `__init__` unless `x` is a module."""
    package = (module if path.name == "__init__.py" else module.rpartition(".")[0]).split(".")
    found = {}  # each module once a statement: `from x import a, b` imports x once
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {(alias.name, node.lineno): None for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # `from ..output import x`, from the module's own package
                base = ".".join([*package[:len(package) - node.level + 1], *filter(None, [base])])
            names = (f"{base}.{alias.name}" for alias in node.names)
            found |= {(name if name in known else base, node.lineno): None for name in names}
    yield from ((target, line) for target, line in found if target.split(".")[0] == PACKAGE)


def import_violations(module: str, path: Path, shown: str, known: dict[str, Path]) -> Iterator[Violation]:
    """Give the rules (a), (b) and (c) that `module`'s imports break."""
    own = layer(module)
    for target, line in imported(module, path, known):
        what = f"imports {target}"
        theirs = layer(target)
        in_importers = module == IMPORTERS or module.startswith(IMPORTERS + ".")
        if theirs == "incremental" and own != "incremental" and module not in INCREMENTAL_USERS:
            yield Violation(shown, line, what, "a")
        if theirs == "writer" and own == "output":  # a case of (b), the one the issue names
            yield Violation(shown, line, what, "c")
        elif LAYERS.index(theirs) > LAYERS.index(own):
            yield Violation(shown, line, what, "b")
        elif in_importers and theirs not in IMPORTERS_MAY_USE and not target.startswith(IMPORTERS):
            yield Violation(shown, line, what, "b")


def size_violations(path: Path, shown: str) -> Iterator[Violation]:
    """Give the rule (d) that the module's length, or one of its functions', breaks."""
    text = path.read_text("utf-8")
    if len(text.splitlines()) > MAX_MODULE_LINES:
        yield Violation(shown, 1, f"module over {MAX_MODULE_LINES} lines", "d")
    for name, node in functions(ast.parse(text, str(path))):
        if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES:
            yield Violation(shown, node.lineno, f"function {name} over {MAX_FUNCTION_LINES} lines", "d")


def functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Give every function and method, nested ones too, by its qualified name (`outer.inner`)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield prefix + node.name, node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield from functions(node, f"{prefix}{node.name}.")
        elif not isinstance(node, ast.expr):  # functions under `if`, `try`, `with`…
            yield from functions(node, prefix)


def contents_violations(path: Path, shown: str, root: Path) -> Iterator[Violation]:
    """Give the rule (e) that a package's `__init__.py` breaks: code in it (but the version, at
    the root), or a module of the package, or a package in it, that it does not name."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    contents = ast.get_docstring(tree) or ""
    for node in tree.body[1 if contents else 0:]:
        version = isinstance(node, ast.Assign) and [ast.unparse(target) for target in node.targets] == ["__version__"]
        if not (version and path.parent == root):
            yield Violation(shown, node.lineno, "code in a table of contents", "e")
    folder = path.parent
    names = [entry.stem for entry in folder.glob("*.py") if not entry.name.startswith("__")]
    names += [entry.name for entry in folder.iterdir() if (entry / "__init__.py").is_file()]
    for name in sorted(names):
        if f"`{name}`" not in contents:
            yield Violation(shown, 1, f"does not name {name}", "e")


def violations(root: Path) -> list[Violation]:
    """Give every rule broken by the package at `root`, module by module."""
    known = modules(root)
    found = []
    for module, path in known.items():
        shown = path.relative_to(root.parent).as_posix()
        found += [*import_violations(module, path, shown, known), *size_violations(path, shown)]
        if path.name == "__init__.py":
            found += contents_violations(path, shown, root)
    return found


def test_the_builder_keeps_its_layers() -> None:
    found = violations(REPO / PACKAGE)
    new = [violation.format() for violation in found if violation.key not in KNOWN_TODAY]
    assert not new, "\n".join(new)


def test_every_allowed_violation_still_exists() -> None:
    # Fixed ones leave the list, so that they cannot come back unseen.
    found = {violation.key for violation in violations(REPO / PACKAGE)}
    fixed = sorted(KNOWN_TODAY - found)
    assert not fixed, "fixed, delete from KNOWN_TODAY in tests/test_layers.py:\n" + "\n".join(fixed)


def fake_package(root: Path, files: dict[str, str]) -> Path:
    """Write a package named `builder` under `root` and give its folder; each folder's
    `__init__.py`, unless given, names what the folder holds."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")
    for folder in [root / PACKAGE, *(root / PACKAGE).rglob("*/")]:
        if not (folder / "__init__.py").exists():
            names = [f"`{entry.stem}`" for entry in sorted(folder.iterdir()) if entry.name != "__init__.py"]
            version = '__version__ = "0"\n' if folder == root / PACKAGE else ""
            (folder / "__init__.py").write_text(f'"""The package: {", ".join(names)}."""\n{version}', "utf-8")
    return root / PACKAGE


def test_a_package_that_keeps_the_rules_breaks_none(tmp_path: Path) -> None:
    package = fake_package(tmp_path, {
        "builder/core/model.py": "from builder.core import urls\n",
        "builder/core/urls.py": "",
        "builder/content/load.py": "from builder.core.model import Post\nfrom . import markdown\n",
        "builder/content/markdown.py": "from ..core import urls\n",
        "builder/output/render.py": "import builder.site.index\nfrom builder.content import load\n",
        "builder/writer/write.py": "from builder.output import render\n",
        "builder/site/index.py": "def f():\n    from builder.content.load import Post\n",
        "builder/incremental/post_cache.py": "from builder import __version__\nfrom builder.output import render\n",
        "builder/build.py": "from builder.incremental import post_cache\nfrom builder.writer.write import put\n",
        "builder/check.py": "from builder import build\n",
        "builder/importers/posts.py": "from builder.content.load import Post\nfrom builder.importers import html\n",
        "builder/importers/html.py": "",
        "builder/core/longest.py": "\n" * MAX_MODULE_LINES,  # at the limits, not over them
        "builder/core/longer.py": "def f():\n" + "    pass\n" * (MAX_FUNCTION_LINES - 1),
    })
    assert violations(package) == []


@pytest.mark.parametrize("files, rule, key", [
    ({"builder/check.py": "from builder.incremental import post_cache\n", "builder/incremental/post_cache.py": ""},
     "a", "builder/check.py: imports builder.incremental.post_cache"),
    ({"builder/check.py": "def f():\n    import builder.incremental.last_build as s\n"},
     "a", "builder/check.py: imports builder.incremental.last_build"),
    ({"builder/content/load.py": "from builder.output import render\n", "builder/output/render.py": ""},
     "b", "builder/content/load.py: imports builder.output.render"),
    ({"builder/core/model.py": "from builder import content\n", "builder/content/load.py": ""},
     "b", "builder/core/model.py: imports builder.content"),
    ({"builder/site/index.py": "def f():\n    from ..output.feeds import x\n"},
     "b", "builder/site/index.py: imports builder.output.feeds"),
    ({"builder/output/feeds.py": "from builder.build import read_site\n"},
     "b", "builder/output/feeds.py: imports builder.build"),
    ({"builder/importers/hugo.py": "from builder.site.index import SiteIndex\n"},
     "b", "builder/importers/hugo.py: imports builder.site.index"),
    ({"builder/output/render.py": "from builder.writer.write import put\n"},
     "c", "builder/output/render.py: imports builder.writer.write"),
    ({"builder/output/render.py": "from builder.writer import write\n", "builder/writer/write.py": ""},
     "c", "builder/output/render.py: imports builder.writer.write"),
    ({"builder/core/long.py": "\n" * (MAX_MODULE_LINES + 1)},
     "d", f"builder/core/long.py: module over {MAX_MODULE_LINES} lines"),
    ({"builder/core/long.py": "class A:\n    def f(self):\n" + "        pass\n" * MAX_FUNCTION_LINES},
     "d", f"builder/core/long.py: function A.f over {MAX_FUNCTION_LINES} lines"),
    ({"builder/core/__init__.py": '"""`model`."""\nfrom builder.core import model\n', "builder/core/model.py": ""},
     "e", "builder/core/__init__.py: code in a table of contents"),
    ({"builder/content/__init__.py": '"""The content."""\n', "builder/content/load.py": ""},
     "e", "builder/content/__init__.py: does not name load"),
], ids=["a-top-level", "a-in-a-function", "b-from-pkg-import-module", "b-from-builder-import-package",
        "b-relative", "b-output-imports-a-command", "b-importers", "c-from-write", "c-from-output-import-write",
        "d-module", "d-method", "e-code", "e-a-module-left-out"])
def test_each_rule_catches_a_module_that_breaks_it(files: dict[str, str], rule: str, key: str,
                                                   tmp_path: Path) -> None:
    found = violations(fake_package(tmp_path, files))
    assert [(violation.key, violation.rule) for violation in found] == [(key, rule)]
    assert f"breaks rule ({rule})" in found[0].format() and found[0].format().startswith(key.split(":")[0] + ":")
