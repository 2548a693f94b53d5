"""tools/adopt_korrigo.py: Korrigo's files changed by text anchor, idempotent, clear on a miss.

Tried on a tiny tree made here (the anchor lines only) and on a copy of a real Korrigo
checkout at 45872b4 when one is present. Expected lines are typed from what the Adopt page
tells a Korrigo developer to add.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest
import yaml
from inline_snapshot import snapshot

from tests.wording import placeholders
from tools import adopt_korrigo

RESEARCH_CHECKOUT = Path("/work/research/korrigo/checkout")
FILES = (
    "backend/requirements.txt",
    "backend/core/settings.py",
    "backend/core/settings_test.py",
    "infra/docker/docker-compose.local-prod.yml",
    "infra/docker/docker-compose.prod.yml",
    "infra/docker/docker-compose.staging.yml",
)

#: Korrigo-shaped files holding each anchor line (Korrigo's settings.py ends without "\n").
TINY = {
    "backend/requirements.txt": "Django>=4.2,<5.0\nprometheus-client==0.19.0\nPillow>=12.1.1\n",
    "backend/core/settings.py": (
        "import os\nDEBUG = False\nif DEBUG:\n    pass\nelse:\n"
        "    EMAIL_BACKEND = 'django.core.mail.backends.console.EmailBackend'"
    ),
    "backend/core/settings_test.py": "import os\n\nfrom .settings import *\n\nDEBUG = False\n",
    "infra/docker/docker-compose.local-prod.yml": (
        "services:\n  celery:\n    image: korrigo-backend:local\n"
        "    command: celery -A core worker -l info\n    environment:\n      DEBUG: 'False'\n"
    ),
    "infra/docker/docker-compose.prod.yml": (
        "services:\n  backend:\n"
        "    command: gunicorn core.wsgi:application -c gunicorn_config.py\n"
        "    environment:\n      DJANGO_ENV: production\n"
        "  celery:\n"
        "    command: celery -A core worker -l info --concurrency=4 --max-tasks-per-child=100\n"
        "    environment:\n      DEBUG: 'False'\n"
        "  celery-beat:\n    command: celery -A core beat -l info\n"
        "    environment:\n      DEBUG: 'False'\n"
    ),
    "infra/docker/docker-compose.staging.yml": (
        "services:\n  backend:\n"
        "    command: gunicorn core.wsgi:application --bind 0.0.0.0:8000 --workers 3 "
        "--timeout 120\n"
        "    env_file:\n      - path: ../../.env\n        required: false\n"
        "    environment:\n      DJANGO_ENV: production\n"
        "  celery:\n    command: celery -A core worker -l info\n"
        "    environment:\n      DEBUG: 'False'\n"
    ),
}


def tiny_tree(root: Path) -> Path:
    for name, text in TINY.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def files_of(root: Path) -> dict[str, str]:
    return {name: (root / name).read_text(encoding="utf-8") for name in FILES}


def test_the_tiny_tree_gets_every_change(tmp_path: Path) -> None:
    root = tiny_tree(tmp_path)
    assert adopt_korrigo.main([str(root)]) == 0
    text = files_of(root)
    assert "sentry-sdk[django,celery]==2.76.0\nkorrigo-sentry==1.0.0\n" in text[FILES[0]]
    assert text[FILES[1]].endswith(
        "\nfrom korrigo_sentry import init_sentry  # noqa: E402\n\ninit_sentry()\n"
    )
    settings_test = text[FILES[2]]
    assert settings_test.index('os.environ["SENTRY_DSN"] = ""') < settings_test.index(
        "from .settings import *"
    )
    for name in FILES[1:3]:
        ast.parse(text[name])  # still Python
    local = yaml.safe_load(text[FILES[3]])["services"]
    assert local["celery"]["env_file"] == ["../../.env"]
    prod = yaml.safe_load(text[FILES[4]])["services"]
    assert {name: prod[name].get("env_file") for name in prod} == {
        "backend": ["../../.env"], "celery": ["../../.env"], "celery-beat": ["../../.env"]
    }  # fmt: skip
    assert {name: prod[name]["environment"].get("GIT_COMMIT_SHA") for name in prod} == {
        "backend": "${KORRIGO_SHA:-}", "celery": "${KORRIGO_SHA:-}",
        "celery-beat": "${KORRIGO_SHA:-}",
    }  # fmt: skip
    staging = yaml.safe_load(text[FILES[5]])["services"]
    assert staging["celery"]["env_file"] == [{"path": "../../.env", "required": False}]
    assert {name: staging[name]["environment"]["SENTRY_ENVIRONMENT"] for name in staging} == {
        "backend": "staging", "celery": "staging"
    }  # fmt: skip


def test_running_twice_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tiny_tree(tmp_path)
    assert adopt_korrigo.main([str(root)]) == 0
    once = files_of(root)
    capsys.readouterr()
    assert adopt_korrigo.main([str(root)]) == 0
    assert files_of(root) == once
    assert capsys.readouterr().out.count("already adopted: ") == len(FILES)


def test_check_says_what_is_not_adopted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tiny_tree(tmp_path)
    assert adopt_korrigo.main([str(root), "--check"]) == adopt_korrigo.EXIT_MISSING
    assert "not adopted: infra/docker/docker-compose.prod.yml" in capsys.readouterr().out
    assert files_of(root) == TINY  # --check writes nothing
    adopt_korrigo.main([str(root)])
    assert adopt_korrigo.main([str(root), "--check"]) == 0


def test_a_missing_anchor_is_one_sentence_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tiny_tree(tmp_path)
    settings_test = root / "backend/core/settings_test.py"
    settings_test.write_text("from core.settings import *\n", encoding="utf-8")
    before = files_of(root)
    assert adopt_korrigo.main([str(root)]) == adopt_korrigo.EXIT_ANCHOR
    err = capsys.readouterr().err
    assert err == snapshot("""\
adopt_korrigo: backend/core/settings_test.py: the line 'from .settings import *' is not there (Korrigo changed this file since 45872b4): add these lines by hand where they belong, as the Adopt in Korrigo page shows:
# korrigo_sentry: the suite sends nothing, whatever the shell or the .env say
os.environ["SENTRY_DSN"] = ""
os.environ["SENTRY_ENVIRONMENT"] = "test"


""")
    assert "Traceback" not in err
    assert files_of(root) == before  # the files before it in the plan are untouched too


def test_not_a_checkout_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert adopt_korrigo.main([str(tmp_path)]) == adopt_korrigo.EXIT_ANCHOR
    assert placeholders(capsys.readouterr().err, tmp=tmp_path) == snapshot(
        "adopt_korrigo: <tmp>/backend/requirements.txt: not found; is <tmp> a Korrigo checkout (its root folder)?\n"
    )


@pytest.mark.skipif(
    not RESEARCH_CHECKOUT.is_dir(),
    reason=f"no Korrigo checkout at {RESEARCH_CHECKOUT} (the tiny tree above still runs)",
)
def test_a_real_korrigo_checkout_is_adopted(tmp_path: Path) -> None:
    copy = tmp_path / "korrigo"
    for part in ("backend/core", "infra/docker"):  # the adopted files and their neighbours
        shutil.copytree(RESEARCH_CHECKOUT / part, copy / part)
    shutil.copy(RESEARCH_CHECKOUT / "backend/requirements.txt", copy / "backend/requirements.txt")
    assert adopt_korrigo.main([str(copy)]) == 0
    assert adopt_korrigo.main([str(copy), "--check"]) == 0
    for name in FILES[1:3]:
        ast.parse((copy / name).read_text(encoding="utf-8"))
    local = yaml.safe_load((copy / FILES[3]).read_text(encoding="utf-8"))["services"]
    assert local["celery"]["env_file"] == local["backend"]["env_file"] == ["../../.env"]
    prod = yaml.safe_load((copy / FILES[4]).read_text(encoding="utf-8"))["services"]
    assert [s for s in prod if prod[s].get("env_file")] == ["backend", "celery", "celery-beat"]
    assert [s for s in prod if (prod[s].get("environment") or {}).get("GIT_COMMIT_SHA")] == [
        "backend", "celery", "celery-beat"
    ]  # fmt: skip
    staging = yaml.safe_load((copy / FILES[5]).read_text(encoding="utf-8"))["services"]
    assert staging["celery"]["env_file"] == staging["backend"]["env_file"]
