"""The one settings object: documented, read at app creation (never at import), paths made absolute."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from server import settings

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### Settings"):]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    documented = {key for line in rows for key in re.findall(r"`([A-Z_]+)`", line.split("|")[1])}
    assert set(settings.DEFAULTS) <= documented, sorted(set(settings.DEFAULTS) - documented)


def test_no_server_module_reads_the_environment_at_import():
    offenders = []
    for path in sorted((ROOT / "server").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for node in ast.walk(stmt):
                if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "cpu_count"):
                    offenders.append("%s:%d" % (path.relative_to(ROOT), node.lineno))
    assert offenders == []


def test_layers_defaults_environment_overrides(tmp_path):
    env = {"KUNTAKG_QUERY_TIMEOUT": "5", "KUNTAKG_ALLOWED_HOSTS": '["a.example"]', "KUNTAKG_STORE": "rdflib",
           "KUNTAKG_DATA": "dist/x.trig", "KUNTAKG_BASE": "https://example.org/kg", "PATH": "/bin"}
    cfg = settings.load({"STORE": "oxigraph"}, environ=env, cwd=tmp_path)
    assert cfg["QUERY_TIMEOUT"] == 5 and cfg["ALLOWED_HOSTS"] == ["a.example"]
    assert cfg["STORE"] == "oxigraph"                        # the config mapping wins over the environment
    assert cfg["KUNTAKG_DATA"] == str(tmp_path / "dist" / "x.trig")  # relative to the working directory
    assert cfg["LD_BASE"] == "https://example.org/kg/" and cfg["PUBLIC_BASE"] == cfg["LD_BASE"]
    assert cfg["QUERIES_DIR"] == str(ROOT / "queries")
    assert cfg["QUERY_WORKERS"] >= 2 and cfg["MAX_CONTENT_LENGTH"] == cfg["MAX_REQUEST_BYTES"]


def test_public_url_is_the_older_name_of_public_base(tmp_path):
    cfg = settings.load(environ={"KUNTAKG_PUBLIC_URL": "https://kuntakg.example.org"}, cwd=tmp_path)
    assert cfg["PUBLIC_BASE"] == "https://kuntakg.example.org/"
    cfg = settings.load({"PUBLIC_BASE": "https://a.example", "PUBLIC_URL": "https://b.example"}, environ={},
                        cwd=tmp_path)
    assert cfg["PUBLIC_BASE"] == "https://a.example/"
