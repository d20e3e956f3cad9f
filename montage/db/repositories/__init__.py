"""Keyword-only data functions over sessions; one module per aggregate."""
