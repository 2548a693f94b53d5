"""runbooks/performance-data-missing.md."""

from __future__ import annotations

from inline_snapshot import snapshot

from korrigo_sentry.testing import FakeTransport
from tests.runbooks.conftest import Run, all_ok, first_failure

SLUG = "performance-data-missing"


def test_a_healthy_server_passes(run_checks: Run, healthy: dict) -> None:
    assert all_ok(run_checks(SLUG, healthy))


def test_tracing_off_fails(run_checks: Run, healthy: dict) -> None:
    step, found = first_failure(run_checks(SLUG, {**healthy, "SENTRY_TRACES_SAMPLE_RATE": "0"}))

    assert step == "traces"
    assert found == snapshot("production: 0% of transactions traced: tracing is off")


def test_no_django_integration_fails(run_checks: Run, healthy: dict) -> None:
    results = run_checks(SLUG, healthy, integrations=[], default_integrations=False)

    assert first_failure(results)[0] == "django"


# --- the page's CI-only proofs (issue 23: no visible block of assertions on a page) ---


def test_the_pages_ci_drill_1() -> None:
    """What the page says, proved (moved from performance-data-missing.md, line 68)."""
    from korrigo_sentry.sampling import make_traces_sampler, rate_for
    from korrigo_sentry.settings import NEVER_TRACED

    sampler = make_traces_sampler("production")
    request = {"transaction_context": {"name": "/exams/1/"}, "parent_sampled": None}
    assert sampler(request) == rate_for("production")
    assert sampler({**request, "parent_sampled": True}) == 1.0
    assert sampler({"wsgi_environ": {"PATH_INFO": NEVER_TRACED[0]}}) == 0.0


def test_the_pages_ci_drill_2(sentry: FakeTransport) -> None:
    """What the page says, proved (moved from performance-data-missing.md, line 107)."""
    import demo

    exam = demo.make_exam(copies=2)
    demo.redis().flushall()
    demo.client().get(f"/exams/{exam.id}/")
    (transaction,) = sentry.transactions
    assert transaction["transaction"] == "/exams/{exam_id}/"
    ops = {span["op"] for span in transaction["spans"]}
    assert {"db", "db.redis"} <= ops
