"""Run a runbook's quick checks inside the running process, as pasted into its Django shell.

`python -m korrigo_sentry runbook SLUG` starts a new process that calls `init_sentry()`
itself, so it proves the environment, not the process: the sensitive-data and Celery pages
say so. A drill asks the broken gunicorn worker or Celery worker to run the same checks
(`korrigo_sentry.oncall.checks`, the functions `python -m korrigo_sentry check` runs) on
its own Sentry client.
"""

from __future__ import annotations

from typing import Any

from korrigo_sentry.oncall import checks


def quick_checks(slug: str) -> dict[str, Any]:
    """Every quick check of runbook `slug`, run here; stops at the first failure like the page."""
    ran = [r for r in checks.run(checks.get(slug), checks.Here()) if r.verdict is not None]
    results = [
        {"title": r.step.title, "passed": r.ok, "output": r.verdict.found}
        for r in ran
        if r.verdict is not None
    ]
    return {"slug": slug, "passed": all(r["passed"] for r in results), "checks": results}
