"""A host project's own pytest suite with the wheel installed: what Korrigo lives through.

Issue 20 found that installing the wheel stopped Korrigo's pytest from starting (a pytest11
entry point importing the `testing` extra; an xdist hook without xdist). Here a small Django
project, shaped like Korrigo (settings calling `init_sentry()`, pytest-django, pytest.ini
with `filterwarnings = error`), runs its suite from fresh virtualenvs: the plain wheel (the
plugin must not load), then the wheel with the `testing` extra and the plugin opted in
through `pytest_plugins` as the install page says.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.field.wheel import CACHE, _check, install

pytestmark = pytest.mark.field

#: What a host project brings for its tests (Korrigo: pytest~=8.0, pytest-django~=4.8), and
#: the extra's own requirement; pinned so the cached directory is reused.
HOST_TOOLS = ("pytest==8.4.2", "pytest-django==4.14.0")
EXTRA_TOOLS = ("sentry-relay==0.10.1",)

SETTINGS = """
SECRET_KEY = "field-test-only"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
USE_TZ = True

from korrigo_sentry import init_sentry  # the adoption: Korrigo's settings call it once

init_sentry()
"""

PYTEST_INI = """[pytest]
DJANGO_SETTINGS_MODULE = hostsite.settings
addopts = -p no:cacheprovider
filterwarnings =
    error
"""

TESTS = """
import sys

import sentry_sdk


def test_the_database_works(db):
    from django.contrib.auth.models import User

    User.objects.create_user(username="ada", password="x")
    assert User.objects.count() == 1


def test_the_sdk_is_initialised_by_the_settings():
    assert sentry_sdk.get_client().is_active()
    assert sentry_sdk.get_client().options["environment"] == "test"  # DJANGO_ENV=e2e


def test_the_plugin_is_loaded_only_when_asked():
    loaded = "korrigo_sentry.testing.pytest_plugin" in sys.modules
    assert loaded == OPTED_IN
"""

OPT_IN = """
from korrigo_sentry.testing import FakeTransport


def test_the_opted_in_fixture_captures(sentry):
    assert isinstance(sentry, FakeTransport)
    import sentry_sdk

    sentry_sdk.capture_message("host suite")
    assert sentry.events[-1]["message"] == "host suite"
"""


def _tools(requirements: tuple[str, ...]) -> Path:
    """`requirements` installed once under .cache/field-deps/ (as wheel.dependencies does)."""
    key = "\n".join([sys.version, *requirements])
    target = CACHE / f"tools-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
    if not target.is_dir():
        partial = CACHE / f"{target.name}.{os.getpid()}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        _check(
            [sys.executable, "-m", "pip", "install", "-q", "--target", str(partial), *requirements]
        )
        try:
            partial.rename(target)
        except OSError:
            shutil.rmtree(partial, ignore_errors=True)
    return target


def _project(base: Path, opted_in: bool) -> Path:
    project = base / ("opted-in" if opted_in else "plain")
    (project / "hostsite").mkdir(parents=True)
    (project / "hostsite" / "__init__.py").write_text("", encoding="utf-8")
    (project / "hostsite" / "settings.py").write_text(SETTINGS, encoding="utf-8")
    (project / "pytest.ini").write_text(PYTEST_INI, encoding="utf-8")
    tests = f"OPTED_IN = {opted_in}\n" + TESTS + (OPT_IN if opted_in else "")
    (project / "test_host.py").write_text(tests, encoding="utf-8")
    if opted_in:  # the install page's opt-in
        conftest = 'pytest_plugins = ["korrigo_sentry.testing.pytest_plugin"]\n'
        (project / "conftest.py").write_text(conftest, encoding="utf-8")
    return project


def _venv(wheel: Path, venv: Path, *tools: Path) -> Path:
    python = install(wheel, venv)
    purelib = _check([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
    lines = "".join(f"{tool}\n" for tool in tools)
    (Path(purelib.strip()) / "_field_tools.pth").write_text(lines, encoding="utf-8")
    return python


def _pytest(python: Path, project: Path) -> subprocess.CompletedProcess[str]:
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    env = {
        **base,
        "PYTHONDONTWRITEBYTECODE": "1",
        "SENTRY_DSN": "http://fieldPublicKey@127.0.0.1:9/1",  # loopback, never contacted
        "DJANGO_ENV": "e2e",
    }
    return subprocess.run(
        [str(python), "-m", "pytest", "-q"],
        cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_a_host_suite_runs_with_the_plain_wheel(wheel: Path, tmp_path: Path) -> None:
    python = _venv(wheel, tmp_path / "venv", _tools(HOST_TOOLS))
    imports = subprocess.run(
        [str(python), "-c", "import korrigo_sentry.testing"], capture_output=True, text=True
    )
    assert "No module named 'sentry_relay'" in imports.stderr  # the extra is not there
    done = _pytest(python, _project(tmp_path, opted_in=False))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout


def test_a_host_suite_runs_with_the_extra_and_the_plugin_opted_in(
    wheel: Path, tmp_path: Path
) -> None:
    python = _venv(wheel, tmp_path / "venv", _tools(HOST_TOOLS), _tools(EXTRA_TOOLS))
    done = _pytest(python, _project(tmp_path, opted_in=True))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout
