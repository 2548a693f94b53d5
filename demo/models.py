"""Korrigo's two models, reduced to what the handbook's examples touch."""

from __future__ import annotations

from django.db import models


class Exam(models.Model):
    """An exam session: its copies are scanned, OCR'd and graded."""

    name = models.CharField(max_length=200)
    exam_type = models.CharField(max_length=50)

    class Meta:
        app_label = "korrigo"

    def __str__(self) -> str:
        return self.name


class Copy(models.Model):
    """One student's copy. `student_name` and `ocr_text` are personal data."""

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="copies")
    student_name = models.CharField(max_length=200)
    ocr_text = models.TextField(blank=True)

    class Meta:
        app_label = "korrigo"

    def __str__(self) -> str:
        return f"copy {self.pk} of {self.exam_id}"
