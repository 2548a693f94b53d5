"""Korrigo's models, reduced to what the handbook's examples touch, with Korrigo's own field
names and `__str__` where Korrigo has the model (students/models.py, exams/models.py at the
commit of data/korrigo.yaml): a value that reaches Sentry through a model here reaches it
the same way in Korrigo.

`Copy.student_name` and `Copy.ocr_text` are the demo's own (the handbook's first examples);
Korrigo keeps a copy's student as `Copy.student` and its OCR text elsewhere.
"""

from __future__ import annotations

from django.db import models


class Student(models.Model):
    """Korrigo's `students.Student`: a name, a birth date and a class are personal data."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_naissance = models.DateField()
    email = models.EmailField(blank=True, null=True)
    class_name = models.CharField(max_length=50)
    groupe = models.CharField(max_length=50, blank=True, null=True)

    class Meta:
        app_label = "korrigo"

    def __str__(self) -> str:  # Korrigo's, word for word: the full name
        return f"{self.last_name} {self.first_name} ({self.class_name})"


class Exam(models.Model):
    """An exam session: its copies are scanned, OCR'd and graded."""

    name = models.CharField(max_length=200)
    exam_type = models.CharField(max_length=50)

    class Meta:
        app_label = "korrigo"

    def __str__(self) -> str:  # Korrigo's
        return self.name


class Copy(models.Model):
    """One student's copy. `student_name` and `ocr_text` are personal data."""

    class Status(models.TextChoices):  # two of Korrigo's statuses
        STAGING = "STAGING", "En attente"
        GRADED = "GRADED", "Corrigée"

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="copies")
    anonymous_id = models.CharField(max_length=50, default="")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.STAGING)
    student = models.ForeignKey(Student, on_delete=models.SET_NULL, null=True, blank=True)
    student_name = models.CharField(max_length=200)
    ocr_text = models.TextField(blank=True)

    class Meta:
        app_label = "korrigo"

    def __str__(self) -> str:  # Korrigo's: the anonymous id, never the student
        return f"Copie {self.anonymous_id} ({self.get_status_display()})"


class ExamPDF(models.Model):
    """Korrigo's `exams.ExamPDF`: one uploaded A4 file per student, stored under the name the
    teacher's computer gave it (often the student's name)."""

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="pdfs")
    pdf_file = models.FileField(upload_to="exams/individual/")
    student_identifier = models.CharField(max_length=255, blank=True, null=True)

    class Meta:
        app_label = "korrigo"

    def __str__(self) -> str:  # Korrigo's: the identifier is often the student's name
        return f"PDF {self.student_identifier or self.id} - {self.exam.name}"
