"""Mutation testing (`make mutate`, weekly in CI): for whoever wants to know which wrong
changes the suite would let through; see README.md here."""
