"""The layout is the architecture: imports go one way, the library renders
nothing, Whoosh's private names stay behind two doors, modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

import whoosh

from conftest import ROOT

SEARCH = ROOT / "search"
# What each stage may import from the library (besides itself).
ALLOWED = {
    "lang": set(),
    "ingest": {"lang"},
    "analysis": {"lang"},
    "index": {"lang", "ingest", "analysis"},
    "query": {"lang", "analysis", "index"},
}
DOORS = {SEARCH / "index" / "whoosh_write.py", SEARCH / "query" / "whoosh_read.py"}
RENDERING = {"flask", "markupsafe", "jinja2", "werkzeug", "web", "gunicorn"}


def modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def imported(path: Path) -> set[str]:
    """Absolute names of what ``path`` imports (relative imports resolved)."""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = list(package[:len(package) - node.level + 1]) if node.level else []
            name = ".".join(base + ([node.module] if node.module else []))
            out |= {name} | {f"{name}.{a.name}" for a in node.names}
    return out


def stage(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if parts[0] == "search" and len(parts) > 1 and parts[1] in ALLOWED else None


def test_imports_go_one_way():
    wrong = []
    for path in modules(SEARCH):
        own = stage(".".join(path.relative_to(ROOT).with_suffix("").parts))
        if own is None:
            continue  # search/__init__.py and cli.py may use every stage
        for name in imported(path):
            other = stage(name)
            if other is not None and other != own and other not in ALLOWED[own]:
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
            if name == "search" or name.startswith("search.cli"):
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert wrong == []


def test_the_library_renders_nothing():
    """Hits carry offsets; only the web layer makes HTML (the command line
    may start the server, so cli.py may import web)."""
    wrong = [f"{path.relative_to(ROOT)} imports {name}"
             for path in modules(SEARCH) if path.name != "cli.py"
             for name in imported(path) if name.split(".")[0] in RENDERING]
    assert wrong == []


def _whoosh_private_names() -> set[str]:
    names = set()
    for path in Path(whoosh.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Attribute):
                names.add(node.attr)
            elif isinstance(node, ast.Name):
                names.add(node.id)
    return {n for n in names if n.startswith("_") and not n.startswith("__")}


def _own_names(paths) -> set[str]:
    """Names the modules define themselves (their own ``self._x``)."""
    names = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
    return names


def test_whoosh_private_names_only_behind_the_two_doors():
    code = [p for folder in ("search", "web", "tests", "bench") for p in modules(ROOT / folder)]
    whooshs = _whoosh_private_names()
    used = []
    for path in code:
        if path in DOORS:
            continue
        private = whooshs - _own_names([path])  # a module's own self._x is its business
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = (node.attr if isinstance(node, ast.Attribute) else
                    node.name if isinstance(node, ast.alias) else None)
            if name in private:
                used.append(f"{path.relative_to(ROOT)}:{node.lineno if hasattr(node, 'lineno') else ''} {name}")
    assert used == []
    # ...and the doors do use them: the check is looking at real names.
    door_names = {n.attr for p in DOORS for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                  if isinstance(n, ast.Attribute)}
    assert {"_merge_segments", "_commit_toc", "_read_data", "_perdoc", "_terms"} <= door_names & whooshs


def test_modules_stay_under_500_lines():
    long = {str(p.relative_to(ROOT)): n for folder in ("search", "web")
            for p in modules(ROOT / folder)
            if (n := len(p.read_text(encoding="utf-8").splitlines())) >= 500}
    assert long == {}
