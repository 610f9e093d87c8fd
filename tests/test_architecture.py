"""The architecture of docs/architecture.md, checked on the source: who may import whom, and no cycles.

Imports are read from the AST of every module, function-level imports included, so a cycle hidden
inside a function counts.  An import of ``a.b.c`` is an edge to ``a.b.c`` (the parent packages it
also initialises are not counted: they are loaded first, whatever imports them).
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OURS = ("kuntakg", "server")
WEB = {"flask", "werkzeug", "jinja2", "markupsafe", "gunicorn", "server"}

# server package (or top-level module) -> the server packages/modules it may import (docs/architecture.md)
ALLOWED = {
    "server": {"server.api", "server.response", "server.settings", "server.site", "server.sparql", "server.state",
               "server.store"},                                          # the factory wires everything
    "server.cli": {"server", "server.settings"},
    "server.settings": set(),
    "server.media": set(),
    "server.response": set(),
    "server.registry": set(),
    "server.state": {"server.sparql", "server.store"},
    "server.store": {"server.media"},
    "server.sparql": {"server.media", "server.response", "server.state", "server.store"},
    "server.site": {"server.media", "server.registry", "server.response", "server.state", "server.store"},
    "server.api": {"server.registry", "server.response", "server.state", "server.store"},
}


def modules() -> dict[str, Path]:
    out = {}
    for top in OURS:
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every module (ours or not, top-level name for others) that ``name`` imports, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:  # `from pkg import mod` imports the module pkg.mod
                candidate = target + "." + alias.name
                found.add(candidate if candidate in known else target)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: {m for m in imports(name, path, known) if m in known and m != name} for name, path in mods.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def owner(module: str) -> str:
    """The entry of ALLOWED a server module belongs to (its package, or itself at the top)."""
    parts = module.split(".")
    if len(parts) >= 2 and ".".join(parts[:2]) in ALLOWED:
        return ".".join(parts[:2])
    return module


def test_the_pipeline_never_imports_the_web_layer():
    mods = modules()
    known = set(mods)
    offenders = {name: sorted({m.split(".")[0] for m in imports(name, path, known)} & WEB)
                 for name, path in mods.items() if name.split(".")[0] == "kuntakg"}
    assert not {k: v for k, v in offenders.items() if v}


def test_no_import_cycles():
    found = cycles(graph())
    assert not found, "import cycles: " + "; ".join(" -> ".join(c) for c in found)


def test_cycle_detection_sees_function_level_imports(tmp_path):
    """The checker itself: a cycle closed by an import inside a function is found."""
    edges = {"a": {"b"}, "b": {"c"}, "c": set()}
    assert cycles(edges) == []
    edges["c"] = {"a"}
    assert cycles(edges) == [["a", "b", "c"]]
    src = tmp_path / "m.py"
    src.write_text("def f():\n    from .x import y\n    import server.store\n")
    assert imports("server.site.m", src, {"server.site.x.y", "server.store"}) == {"server.site.x.y", "server.store"}


def test_every_server_module_is_in_the_contract():
    servers = [m for m in modules() if m.split(".")[0] == "server"]
    assert [m for m in servers if owner(m) not in ALLOWED] == []


def test_server_packages_import_only_what_the_contract_allows():
    bad = []
    for module, targets in graph().items():
        if module.split(".")[0] != "server":
            continue
        mine = owner(module)
        for target in targets:
            if target.split(".")[0] != "server" or owner(target) == mine:
                continue
            if owner(target) not in ALLOWED[mine]:
                bad.append("%s imports %s" % (module, target))
    assert bad == []


def test_only_the_response_module_renders():
    """Views return data; server/response.py is the one place that calls render_template or jsonify."""
    offenders = []
    for name, path in modules().items():
        if name.split(".")[0] != "server" or name == "server.response":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
            imported = [a.name for a in node.names] if isinstance(node, ast.ImportFrom) else []
            if called in ("render_template", "render_template_string", "jsonify") or \
                    {"render_template", "render_template_string", "jsonify"} & set(imported):
                offenders.append(name)
    assert sorted(set(offenders)) == []
