"""The import contracts (pyproject.toml, checked by `lint-imports` in `make lint`) see every
module: a layers contract says nothing about a module it does not name, so a new top-level
module of korrigo_sentry/ must be put in a layer."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_module_of_the_package_is_in_a_layer() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [layers] = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    named = {
        name.strip() for layer in layers["layers"] for name in layer.replace("|", ":").split(":")
    }
    package = ROOT / "korrigo_sentry"
    modules = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    modules |= {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    assert modules - named == set()
    assert named - modules == set()  # no layer names a module that is gone
