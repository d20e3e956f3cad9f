"""montage's Alembic migrations, shipped with the installed package (``montage db upgrade`` runs them).

``env.py`` is Alembic's environment and ``versions/`` holds one module per schema revision; the folder is
a package only so a wheel carries it (:mod:`montage.db.migrate` finds it by import).
"""
