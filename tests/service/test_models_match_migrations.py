"""The SQLAlchemy models and the Alembic migrations describe the same schema, on SQLite and on PostgreSQL.

A fresh database is upgraded to head by the migrations, then Alembic's autogenerate comparison (the one
``alembic revision --autogenerate`` uses, with column types) is run against the models' metadata: any
difference means a model changed without a migration, or a migration without its model.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import montage.db.models  # noqa: F401  (registers every table on Base.metadata)
from montage.config import Settings
from montage.db.base import Base
from montage.db.migrate import upgrade_to_head
from montage.db.session import make_engine


def test_models_match_the_migrated_schema(any_db_settings: Settings) -> None:
    url = any_db_settings.resolved_database_url
    any_db_settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade_to_head(url)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == [], "models and migrations differ:\n" + "\n".join(map(repr, differences))
