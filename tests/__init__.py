"""The test suite, for whoever changes the code or the pages: `make check` while editing,
`make test` before pushing (README). Unit and site tests here; subfolders by what they need:
`browser/` (Chromium), `field/` (the installed wheel), `drills/` (a live local stack),
`privacy/` (the scrubbing pipeline), `benchmarks/` (`make bench`), `mutation/`
(`make mutate`), `data/` (inputs kept as they were written)."""
