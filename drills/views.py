"""The drill endpoints the demo lacks: a release's export view (healthy or faulty), and the
quick checks run in this gunicorn worker."""

from __future__ import annotations

import time

from django.http import HttpRequest, HttpResponse, JsonResponse

from drills import faults
from drills.in_process import quick_checks


class ExportBackendError(RuntimeError):
    """The export service refused the request (the error burst)."""


class ExportFormatError(ValueError):
    """A kind of error the app never raised before (the new issue)."""


#: How long the slow release's export takes: past the 2 s of the Performance degradation
#: rule, so two slow requests in twenty move the P95 (as on that runbook's drill).
SLOW_SECONDS = 3.0


def export(request: HttpRequest) -> HttpResponse:
    """Exports grades: fine in the good release, broken or slow in the faulty ones."""
    active = faults.active()
    if "export-broken" in active:
        raise ExportBackendError("export service answered 503")
    if "export-new-error" in active:
        raise ExportFormatError("grade sheet has an unknown column 'bonus'")
    if "export-slow" in active:
        time.sleep(SLOW_SECONDS)
    return JsonResponse({"exported": True})


def checks(request: HttpRequest, slug: str) -> JsonResponse:
    """The runbook's quick checks, run in this worker process."""
    return JsonResponse(quick_checks(slug))
