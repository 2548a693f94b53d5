"""Build step: the wheel carries the runbook pages, rendered, and the site's address.

`python -m korrigo_sentry runbook` and `alerts export` read the runbook pages and the
site's `site_url`. Their only sources stay the top-level `runbooks/` and `mkdocs.yml`;
this step copies them into `korrigo_sentry/_handbook/` of the build directory (never into
the checkout), so an installed wheel has them and nothing is committed twice. Editable
installs read the checkout itself (`korrigo_sentry.oncall.package_data`).

It also renders each runbook as the site does (`handbook/offline.py`: the site's own
macros, so every value is filled) into `_handbook/rendered/`, for `runbook SLUG --read`
where there is no network. That needs the handbook's build dependencies (Jinja2, the
macros' imports): a build without them (an isolated `pip wheel .`) still makes a wheel,
says so on stderr, and `--read` then names the way to a complete one.

setuptools has no declarative way to put files from outside the package directory inside
it, hence this small `build_py` subclass; metadata stays in pyproject.toml.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: `site_url:` is a top-level scalar of mkdocs.yml; a regex spares the build a YAML parser.
_SITE_URL = re.compile(r"^site_url:\s*['\"]?([^'\"\s#]+)", re.MULTILINE)


class BuildPyWithHandbook(build_py):
    """`build_py`, then copy runbooks/*.md and mkdocs.yml's site_url next to the modules."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "korrigo_sentry" / "_handbook"
        shutil.rmtree(target, ignore_errors=True)
        (target / "runbooks").mkdir(parents=True)
        for page in sorted((ROOT / "runbooks").glob("*.md")):
            shutil.copyfile(page, target / "runbooks" / page.name)
        match = _SITE_URL.search((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
        if not match:
            raise SystemExit("mkdocs.yml has no site_url: the wheel's runbook links need it")
        site = {"site_url": match.group(1)}
        (target / "site.json").write_text(json.dumps(site) + "\n", encoding="utf-8")
        self._render(target / "rendered")

    @staticmethod
    def _render(target: Path) -> None:
        sys.path.insert(0, str(ROOT))
        try:
            from handbook.offline import write

            write(ROOT, target)
        except Exception as error:  # a wheel without rendered pages is still a working wheel
            print(
                f"warning: runbooks not rendered for `runbook --read` ({type(error).__name__}: "
                f"{error}); build the wheel in the handbook's virtualenv with "
                "--no-build-isolation to include them",
                file=sys.stderr,
            )
        finally:
            sys.path.remove(str(ROOT))


setup(cmdclass={"build_py": BuildPyWithHandbook})
