"""Persistence: SQLAlchemy 2 models, sessions, migrations and repositories for the shot library."""
