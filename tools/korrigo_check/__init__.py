"""`make korrigo-check KORRIGO=path`: Korrigo's own test suite, adopted, searched for leaks.

For maintainers, before a release of korrigo_sentry: on a temporary copy of a Korrigo
checkout, apply the adoption (tools/adopt_korrigo.py), install Korrigo's requirements with
this package's wheel, run Korrigo's suite with every envelope captured (`plugin.py`, loaded
into Korrigo's pytest), record every personal value the suite creates, and search every
envelope's raw bytes for each value (verbatim and encoded). Nothing here is shipped.
"""
