"""Where the commands find the handbook's files: inside the installed wheel, or the checkout.

A wheel carries `korrigo_sentry/_handbook/` (the runbook pages and the site's address),
copied there at build time by setup.py from the top-level `runbooks/` and `mkdocs.yml`,
which stay the only sources. An editable install or a run from the repository has no
such folder and reads the checkout directly, so an edited page is seen at once.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from korrigo_sentry.yaml_model import SafeLoader

#: The repository, when the package runs from a checkout (editable install, tests).
REPO_ROOT = Path(__file__).resolve().parents[2]
#: The folder inside the package that the wheel's build step fills.
PACKAGED = "_handbook"


class PackageDataError(RuntimeError):
    """The handbook's files are neither in the package nor in a checkout."""


def _packaged(name: str) -> Path | None:
    # Wheels install as plain files, so the resource is a real path (no zip import).
    candidate = resources.files("korrigo_sentry") / PACKAGED / name
    path = Path(str(candidate))
    return path if path.exists() else None


def _checkout(name: str) -> Path | None:
    path = REPO_ROOT / name
    # Both markers: a stray `runbooks/` folder in site-packages is not a checkout.
    return path if path.exists() and (REPO_ROOT / "mkdocs.yml").is_file() else None


#: What a command says when neither the wheel nor a checkout has the runbook pages.
MISSING_PAGES = (
    "the runbook pages are missing from this installation of korrigo-sentry: "
    "reinstall it from a wheel built with `pip wheel .` in the handbook repository"
)


def runbook_dir() -> Path:
    """The folder of runbook pages: the wheel's copy, else the checkout's `runbooks/`.

    Never raises: when neither exists, reading the folder fails later with MISSING_PAGES.
    """
    return _packaged("runbooks") or REPO_ROOT / "runbooks"


#: What `runbook --read` says when neither the wheel nor a checkout can render the pages.
MISSING_RENDERED = (
    "this installation of korrigo-sentry has no rendered runbooks: build its wheel in the "
    "handbook's virtualenv (pip wheel --no-build-isolation .), or read the page online"
)


def rendered_runbook(slug: str) -> Path | None:
    """The runbook `slug` rendered at the wheel's build (values filled), or None."""
    return _packaged(f"rendered/{slug}.md")


@cache
def site_url() -> str:
    """The published handbook's address (mkdocs.yml's `site_url`), ending with a slash."""
    packaged = _packaged("site.json")
    if packaged is not None:
        url = json.loads(packaged.read_text(encoding="utf-8")).get("site_url", "")
    else:
        config = _checkout("mkdocs.yml")
        if config is None:
            raise PackageDataError(
                "the handbook's address is missing from this installation of korrigo-sentry: "
                "reinstall it from a wheel built in the handbook repository"
            )
        url = _mkdocs_site_url(config)
    if not url:
        raise PackageDataError("mkdocs.yml has no site_url")
    return url if url.endswith("/") else url + "/"


class TolerantLoader(SafeLoader):  # type: ignore[valid-type,misc]
    """Reads mkdocs.yml, whose `!!python/name:` tags safe_load refuses; tags become None."""


TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)
TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *args: None)


def _mkdocs_site_url(config: Path) -> str:
    data = yaml.load(config.read_text(encoding="utf-8"), Loader=TolerantLoader)
    return str((data or {}).get("site_url") or "")
