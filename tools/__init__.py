"""Maintainers' tools: `make facts-check` (by hand, weekly in CI), `make zensical` (a stage
of `make test`) and `system_deps.sh` (what `make test` installs that pip cannot).

For the people who maintain the handbook; not shipped in the wheel, not part of a page build.
"""
