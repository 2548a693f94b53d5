"""Code that only builds the handbook site (through `macros.py`); never shipped in the wheel.

For the people who write the pages: cached payloads, fact citations, runbook headers and
command transcripts. It reads `korrigo_sentry`; `korrigo_sentry` never reads it.
"""
