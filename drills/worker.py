"""The Celery worker of the live stack: `celery -A drills.worker worker`.

The demo's Celery app (its tasks carry Korrigo's names: `exams.tasks.process_single_document`,
`grading.tasks.update_copy_status_metrics`) on the real Redis broker, with Sentry initialised
at start as Korrigo's settings do, plus one task the drills use to run a runbook's quick
checks inside this worker.
"""

from __future__ import annotations

from typing import Any

from celery.signals import task_postrun, worker_process_shutdown

from drills import faults, live_settings

faults.start_sentry()
live_settings.configure()

from demo.tasks import celery_app  # noqa: E402  (after configure)

app = celery_app


@app.task(name="drills.quick_checks")
def quick_checks(slug: str) -> dict[str, Any]:
    """Runbook `slug`'s quick checks, run in this worker process."""
    from drills.in_process import quick_checks as run

    return run(slug)


@task_postrun.connect
@worker_process_shutdown.connect
def _send_client_report(**_: Any) -> None:
    """Flush the SDK after each task and as a prefork child stops. A child leaves through
    `os._exit`, and without the Celery integration (a drill removes it) nothing flushes the
    SDK there: the child's last client report (events a hook dropped) would vanish. The
    drills count those reports, so they are sent while the drill still runs."""
    faults.flush()
