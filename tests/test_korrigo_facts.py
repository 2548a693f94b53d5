"""data/korrigo.yaml: the real Korrigo's names, parsed by a pydantic model and re-checked.

Expected values are Korrigo's own, read in its files at commit 45872b4 (2026-02-20) and typed
here from those files, not from the YAML under test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from inline_snapshot import snapshot

from korrigo_sentry import settings
from korrigo_sentry.korrigo import KORRIGO_YAML, korrigo, read
from korrigo_sentry.oncall import where
from korrigo_sentry.yaml_model import DataFileError
from tests.wording import placeholders
from tools import facts_check, korrigo_facts_check

COMMIT = "45872b49ce95878f8150be898733afa37335c919"
RESEARCH_CHECKOUT = Path("/work/research/korrigo/checkout")


def test_korrigo_names_as_its_files_spell_them() -> None:
    facts = korrigo()
    assert facts.commit == COMMIT
    assert [m.name for m in facts.settings_modules] == [
        "core.settings", "core.settings_prod", "core.settings_test"
    ]  # fmt: skip
    assert facts.celery.app == "viatique__PMF"
    assert facts.celery.command.value == "celery -A core worker -l info"
    assert {t.name.split(".tasks.")[0] for t in facts.celery.tasks} == {"grading", "exams"}
    assert {lg.name: lg.propagate for lg in facts.loggers} == {
        "audit": False, "grading": True, "metrics": True
    }  # fmt: skip
    prod = facts.compose("infra/docker/docker-compose.prod.yml")
    assert [s.name for s in prod.services] == [
        "backend", "celery", "celery-beat", "db", "redis", "nginx"
    ]  # fmt: skip
    local = facts.compose("infra/docker/docker-compose.local-prod.yml")
    assert {s.name: s.env_file for s in local.services if s.role in ("web", "worker")} == {
        "backend": True, "celery": False  # the gap the adoption closes
    }  # fmt: skip


def test_never_traced_is_korrigos_probe_paths() -> None:
    assert settings.NEVER_TRACED == (
        "/api/health/", "/api/health/live/", "/api/health/ready/", "/metrics", "/api/metrics/"
    )  # fmt: skip


def test_the_oncall_worker_is_korrigos_celery_service() -> None:
    oncall = where.oncall()
    assert oncall.place("worker").service == "celery"
    assert oncall.place("backend").service == "backend"
    assert oncall.exec_in("worker", "python manage.py shell") == (
        "docker compose -f infra/docker/docker-compose.local-prod.yml exec celery "
        "python manage.py shell"
    )


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = KORRIGO_YAML.read_text(encoding="utf-8")
    assert old in text
    copy = tmp_path / "korrigo.yaml"
    copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def test_a_bad_commit_in_a_source_names_file_line_and_field(tmp_path: Path) -> None:
    copy = _broken(
        tmp_path, f"blob/{COMMIT}/backend/core/celery.py", "blob/main/backend/core/celery.py"
    )
    with pytest.raises(DataFileError) as caught:
        read(copy)
    line = _line_of(copy, "blob/main/backend/core/celery.py")
    assert str(caught.value).startswith(f"{copy} line {line}, field celery.source: ")
    assert "40-hex commit" in str(caught.value)


def test_a_missing_excerpt_and_an_unknown_role_name_their_field(tmp_path: Path) -> None:
    copy = _broken(tmp_path, "role: scheduler", "role: cron")
    with pytest.raises(DataFileError, match=r"field compose_files\.1\.services\.2\.role: "):
        read(copy)
    copy = _broken(tmp_path, "    kind: metrics\n", "    kind: metrics\n    colour: red\n")
    with pytest.raises(DataFileError, match=r"line \d+, field probe_paths\.3\.colour: Extra"):
        read(copy)


def test_oncall_naming_a_role_the_compose_file_lacks_is_one_sentence(tmp_path: Path) -> None:
    text = where.ONCALL_YAML.read_text(encoding="utf-8").replace("role: worker", "role: scheduler")
    copy = tmp_path / "oncall.yaml"
    copy.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        where.read(copy)
    assert placeholders(str(caught.value), tmp=tmp_path) == snapshot(
        "<tmp>/oncall.yaml: infra/docker/docker-compose.local-prod.yml has no 'scheduler' service in korrigo.yaml (roles: web, worker, database, cache, proxy); fix oncall.yaml or korrigo.yaml"
    )


def _tree(tmp_path: Path, drop: str | None = None) -> Path:
    """A Korrigo-shaped tree holding each cited excerpt in its file (one dropped on request)."""
    for _, cited in korrigo().cited():
        target = tmp_path / cited.file
        target.parent.mkdir(parents=True, exist_ok=True)
        kept = target.read_text(encoding="utf-8") if target.exists() else ""
        if cited.excerpt != drop:
            target.write_text(kept + "\n" + cited.excerpt + "\n", encoding="utf-8")
    return tmp_path


def test_facts_check_reads_korrigo_at_the_cited_commit() -> None:
    seen: list[str] = []
    korrigo_facts_check.check(korrigo(), "https://raw.example", lambda url: seen.append(url) or "")
    assert f"https://raw.example/cyranoaladin/Korrigo/{COMMIT}/backend/core/urls.py" in seen
    assert len(seen) == len(set(seen))  # each file fetched once


def test_facts_check_finds_a_korrigo_excerpt_gone(tmp_path: Path) -> None:
    gone = korrigo().celery.excerpt
    tree = _tree(tmp_path, drop=gone)
    results = korrigo_facts_check.check(korrigo(), "x", korrigo_facts_check.local_fetch(tree))
    assert [r.label for r in results if not r.ok] == ["celery app viatique__PMF"]
    assert "DRIFT korrigo celery app viatique__PMF: excerpt gone" in korrigo_facts_check.report(
        results
    )


def test_a_missing_korrigo_file_is_drift(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    (tree / "backend/pytest.ini").unlink()
    results = korrigo_facts_check.check(korrigo(), "x", korrigo_facts_check.local_fetch(tree))
    assert [r.label for r in results if not r.ok] == ["settings core.settings_test"]
    assert "HTTP 404" in korrigo_facts_check.report(results)


@pytest.mark.skipif(
    not RESEARCH_CHECKOUT.is_dir(),
    reason=f"no Korrigo checkout at {RESEARCH_CHECKOUT} (make it with git archive of 45872b4)",
)
def test_every_excerpt_is_in_the_real_korrigo_checkout(capsys: pytest.CaptureFixture[str]) -> None:
    results = korrigo_facts_check.check(
        korrigo(), "x", korrigo_facts_check.local_fetch(RESEARCH_CHECKOUT)
    )
    assert [r.label for r in results if not r.ok] == []
    assert len(results) == 37  # gunicorn's bind (korrigo-down's checks) the 37th


def test_facts_check_main_reads_a_local_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(facts_check, "check", lambda facts, base_url, **_: [])
    assert facts_check.main(["--korrigo-checkout", str(_tree(tmp_path))]) == facts_check.EXIT_OK
    assert "37 Korrigo names, 0 drifted" in capsys.readouterr().out
