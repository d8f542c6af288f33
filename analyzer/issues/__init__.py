"""Recurring issues: feedback kinds, terms, clustering, key phrases and titles, trends, discovery, and the issue catalog in the state file (store)."""
