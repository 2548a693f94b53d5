"""For Korrigo's developers: find personal data formatted into log and exception messages.

`python -m korrigo_sentry lint PATH` (korrigo_sentry/cli/lint.py) runs `check_tree`. A
message is sent to Sentry as written, so a name formatted into it reaches Sentry whatever
the scrubbing does with keys; the fix is to format an id instead.
"""
