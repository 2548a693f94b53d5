"""The handbook as a reader meets it: built, served on loopback and driven by Chromium."""
