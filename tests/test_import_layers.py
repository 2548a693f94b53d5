"""The package's layers: no import circle, the library never imports the command layer.

Read from the source with `ast` (every import, at module level or inside a function), so a
circle hidden behind a lazy import counts too, and each module is also imported alone in
a fresh interpreter, which is what an installed wheel's first command does.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "korrigo_sentry"
#: The command layer: it may import anything; nothing else may import it.
COMMAND_LAYER = ("korrigo_sentry.cli", "korrigo_sentry.cli", "korrigo_sentry.__main__")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str) -> set[str]:
    """The korrigo_sentry modules `name` imports, wherever the import statement is."""
    found = set()
    for node in ast.walk(ast.parse(MODULES[name].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from korrigo_sentry import runbooks` imports the submodule when there is one.
            targets = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {t for t in targets if t in MODULES and t != name}
    return found


GRAPH = {name: imports(name) for name in MODULES}


def in_command_layer(name: str) -> bool:
    return any(name == layer or name.startswith(layer + ".") for layer in COMMAND_LAYER)


def test_the_graph_sees_the_known_edges() -> None:
    # The reader can trust the graph: these imports exist in the source.
    assert "korrigo_sentry.oncall.runbooks" in GRAPH["korrigo_sentry.cli.runbook"]
    assert "korrigo_sentry.oncall.delivery" in GRAPH["korrigo_sentry.cli.send_test"]


def test_the_library_never_imports_the_command_layer() -> None:
    offenders = {
        name: sorted(t for t in targets if in_command_layer(t))
        for name, targets in GRAPH.items()
        if not in_command_layer(name)
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_import_circle() -> None:
    def cycle_from(start: str) -> list[str] | None:
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for target in GRAPH[node]:
                if target == start:
                    return [*path, start]
                if target not in path and target.startswith("korrigo_sentry."):
                    stack.append((target, [*path, target]))
        return None

    # The package's own __init__ re-exports lazily (`__getattr__`), so it is left out.
    circles = [c for name in GRAPH if name != "korrigo_sentry" and (c := cycle_from(name))]
    assert circles == []


FIRST_IMPORT = """
import importlib, json, sys, traceback
failures = {}
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m.split(".")[0] == "korrigo_sentry"]:
        del sys.modules[loaded]  # each module is the package's first import
    try:
        importlib.import_module(name)
    except Exception:
        failures[name] = traceback.format_exc(limit=-3)
print(json.dumps(failures))
"""


def test_each_module_imports_first() -> None:
    """Each module imported as the first of the package (third-party modules stay cached, so
    one interpreter does it quickly); a circle shows as an ImportError here."""
    # Not __main__ (it runs the CLI) nor the demo Django app (its models need settings).
    names = sorted(n for n in MODULES if n != "korrigo_sentry.__main__" and ".demo" not in n)
    run = subprocess.run(
        [sys.executable, "-c", FIRST_IMPORT, *names], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.splitlines()[-1]) == {}
