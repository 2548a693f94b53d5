"""Entry point for `python -m korrigo_sentry`."""

import sys

from korrigo_sentry.cli import run

sys.exit(run())
