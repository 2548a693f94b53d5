"""The demo's views: one per situation the handbook describes."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from sentry_sdk import set_context, set_tag, set_user

from demo.cache import redis
from demo.models import Copy, Exam
from demo.tasks import ocr_copy


class GradingError(RuntimeError):
    """Grading an exam failed."""


class LoginBackendError(RuntimeError):
    """The sign-in service is down."""


def exam_detail(request: HttpRequest, exam_id: int) -> JsonResponse:
    """A fine endpoint: database queries, and the copy count cached in Redis."""
    exam = get_object_or_404(Exam, pk=exam_id)
    cache = redis()
    key = f"exam:{exam.pk}:copies"
    count = cache.get(key)
    if count is None:
        count = exam.copies.count()
        cache.set(key, count, ex=60)
    return JsonResponse(
        {"id": exam.pk, "name": exam.name, "exam_type": exam.exam_type, "copies": int(count)}
    )


def trigger_error(request: HttpRequest) -> HttpResponse:
    """An unhandled exception (the seed's `trigger_error`)."""
    division_by_zero = 1 / 0
    return HttpResponse(division_by_zero)


def db_error(request: HttpRequest) -> HttpResponse:
    """A query on a table that does not exist: `django.db.OperationalError`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM korrigo_missing_table")
    return HttpResponse("unreachable")


def health(request: HttpRequest) -> HttpResponse:
    """The load balancer's probe: never traced (see `settings.NEVER_TRACED`)."""
    return HttpResponse("ok", content_type="text/plain")


def some_view(request: HttpRequest, exam_id: int) -> JsonResponse:
    """The seed's "custom context" example, with the exam it refers to looked up first."""
    exam = get_object_or_404(Exam, pk=exam_id)

    # Add user context
    set_user(
        {"id": request.user.id, "username": request.user.username, "email": request.user.email}
    )

    # Add custom context
    set_context(
        "exam",
        {"exam_id": exam.id, "exam_name": exam.name, "copies_count": exam.copies.count()},
    )

    # Add tags for filtering
    set_tag("exam_type", exam.exam_type)
    return JsonResponse({"exam_id": exam.id})


def grade_exam(request: HttpRequest, exam_id: int) -> HttpResponse:
    """Sets the custom context of `some_view`, then fails: the error carries that context."""
    some_view(request, exam_id)
    raise GradingError(f"cannot grade exam {exam_id}")


def login(request: HttpRequest) -> HttpResponse:
    """Reads a login form (with a password) and fails: the password must not reach Sentry."""
    username = request.POST.get("username", "")
    raise LoginBackendError(f"sign-in service unavailable for a {len(username)}-character login")


def run_ocr(request: HttpRequest, copy_id: int) -> JsonResponse:
    """Queues the (always failing) OCR task; the request itself succeeds, like in production."""
    result = ocr_copy.delay(copy_id)
    return JsonResponse({"copy_id": copy_id, "state": result.state})


class ResetLinkError(RuntimeError):
    """A password-reset link could not be checked."""


class OAuthError(RuntimeError):
    """The identity provider's callback could not be completed."""


def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Django's reset-link shape (`reset/<uidb64>/<token>/`): the URL itself is a secret."""
    request.session["reset_started"] = True  # the session cookie comes back signed
    raise ResetLinkError("reset link could not be checked")


def oauth_callback(request: HttpRequest) -> HttpResponse:
    """The identity provider redirects here with `?code=...&state=...` (both secrets)."""
    raise OAuthError("token exchange failed")


def search_students(request: HttpRequest) -> JsonResponse:
    """A search box: `?q=` holds whatever a teacher typed (often a student's name)."""
    found = list(Copy.objects.filter(student_name__icontains=request.GET.get("q", "")).values("id"))
    return JsonResponse({"count": len(found)})


#: How many times `exam_report` reads each store: 3 stores, about 30 spans per request.
REPORT_READS = 10


def exam_report(request: HttpRequest, exam_id: int) -> JsonResponse:
    """A heavier endpoint (about 30 spans): per-copy reads from the database, Redis and
    Django's cache, as a grading report does."""
    from django.core.cache import cache

    store = redis()
    copies = []
    for n in range(REPORT_READS):
        copies.append(Copy.objects.filter(exam_id=exam_id, pk__gt=n).count())
        store.get(f"exam:{exam_id}:copy:{n}:grade")
        cache.get(f"exam:{exam_id}:report:{n}")
    return JsonResponse({"exam_id": exam_id, "reads": len(copies)})
