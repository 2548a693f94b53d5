"""Korrigo's upload of individual A4 PDFs (one file per student), as a class-based API view.

Korrigo's `IndividualPDFUploadView` (a DRF `APIView`, exams/views.py) takes a multipart
`pdf_files` list, stores each file as an `ExamPDF` named after the file (the teacher's
computer usually names it after the student) and creates a `Copy`. Here the same shapes
with Django's own `View` (the demo does not depend on DRF): the same URL, field name, models
and `audit` log line, and a failure after the files are stored, as when a PDF cannot be
split. What then reaches Sentry (the upload and the `ExamPDF` in the frame's variables) is
what Korrigo would send: the privacy pipeline's business, not this view's.
"""

from __future__ import annotations

import logging
import os

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views import View

from demo.models import Copy, Exam, ExamPDF

audit = logging.getLogger("audit")  # Korrigo's audit logger (not propagated)
grading = logging.getLogger("grading")


class PDFSplitError(RuntimeError):
    """An uploaded PDF could not be split into pages."""


class IndividualPDFUploadView(View):
    """POST `pdf_files` (one or more PDFs): one `ExamPDF` and one `Copy` each.

    `?fail=1` stands for a PDF that cannot be split: the files are stored, then it raises.
    """

    def post(self, request: HttpRequest, exam_id: int) -> HttpResponse:
        exam = get_object_or_404(Exam, pk=exam_id)
        uploaded_files = request.FILES.getlist("pdf_files")
        if not uploaded_files:
            return JsonResponse({"error": "no PDF uploaded: use the field 'pdf_files'"}, status=400)
        audit.info(
            "individual PDF upload", extra={"exam_id": exam.pk, "files": len(uploaded_files)}
        )
        created = []
        for index, pdf_file in enumerate(uploaded_files, 1):
            student_identifier = os.path.splitext(pdf_file.name or "")[0] or None
            exam_pdf = ExamPDF.objects.create(
                exam=exam, pdf_file=pdf_file, student_identifier=student_identifier
            )
            copy = Copy.objects.create(exam=exam, anonymous_id=f"A{exam.pk:03d}-U{index:03d}")
            created.append({"exam_pdf_id": exam_pdf.pk, "copy_id": copy.pk})
        if request.GET.get("fail"):
            grading.warning("PDF split failed for exam %s", exam.pk)
            raise PDFSplitError("the uploaded PDF has no page that can be split")
        return JsonResponse({"created": created}, status=201)
