"""The demo's URLs. Every path of `settings.NEVER_TRACED` answers with the health check."""

from __future__ import annotations

from django.urls import path

from demo import views
from demo.uploads import IndividualPDFUploadView
from korrigo_sentry.settings import NEVER_TRACED

urlpatterns = [
    path("exams/<int:exam_id>/", views.exam_detail, name="exam-detail"),
    path("exams/<int:exam_id>/context/", views.some_view, name="exam-context"),
    path("exams/<int:exam_id>/grade/", views.grade_exam, name="exam-grade"),
    path("exams/<int:exam_id>/report/", views.exam_report, name="exam-report"),
    path("copies/<int:copy_id>/ocr/", views.run_ocr, name="copy-ocr"),
    path("boom/", views.trigger_error, name="boom"),
    path("db-error/", views.db_error, name="db-error"),
    path("login/", views.login, name="login"),
    path("reset/<uidb64>/<token>/", views.password_reset_confirm, name="password-reset-confirm"),
    path("oauth/callback/", views.oauth_callback, name="oauth-callback"),
    path("students/search/", views.search_students, name="student-search"),
    path(
        "api/exams/<int:exam_id>/upload-individual-pdfs/",  # Korrigo's URL (an int id here)
        IndividualPDFUploadView.as_view(),
        name="individual-pdf-upload",
    ),
    *(path(probe.lstrip("/"), views.health) for probe in NEVER_TRACED),
]
