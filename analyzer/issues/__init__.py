"""Recurring issues: feedback kinds, terms and meaning, the two-level tree, titles, trends, discovery, and the issue catalog in the state file."""
