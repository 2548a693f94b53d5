"""Maintainers' tools run by hand or weekly in CI (`make facts-check`, `make zensical`).

Not shipped in the wheel and not part of a page build.
"""
