"""Run a runbook's quick checks inside the running process, as pasted into its Django shell.

`python -m korrigo_sentry runbook SLUG` starts a new process that calls `init_sentry()`
itself, so it proves the environment, not the process: the sensitive-data and Celery pages
say so. A drill asks the broken gunicorn worker or Celery worker to run the same checks
(`korrigo_sentry.oncall.runbooks.get_runbook(slug).checks`, through `run_check`, the code the
command runs) on its own Sentry client.
"""

from __future__ import annotations

from typing import Any

from korrigo_sentry.oncall import runbooks


def quick_checks(slug: str) -> dict[str, Any]:
    """Every quick check of runbook `slug`, run here; stops at the first failure like the page."""
    book = runbooks.get_runbook(slug)
    results = []
    for check in book.checks:
        result = runbooks.run_check(book, check)
        results.append({"title": check.title, "passed": result.passed, "output": result.output})
        if not result.passed:
            break
    return {"slug": slug, "passed": all(r["passed"] for r in results), "checks": results}
