"""What on-call runs, as a library: diagnosis, delivery probes and the runbook pages.

For the engineer paged at night in a backend container. `korrigo_sentry.cli` is the
command layer over these modules; nothing here imports the command layer.
"""
