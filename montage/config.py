"""Configuration from the environment (``MONTAGE_*``), one ``Settings`` object for the whole system.

Nested groups use ``__`` as a separator, e.g. ``MONTAGE_RELEVANCE__NAMED=0.6``. Nothing is read at import
time: call :func:`get_settings` (cached) or build ``Settings()`` explicitly in tests.

Only the entry points (``api/``, ``indexer/runner.py``, ``montage/pipeline/``, ``montage/health.py`` and
``migrations/env.py``) read the settings; the stages get their option group (:mod:`montage.options`) passed
in. Importing this module loads pydantic and the option groups, no stage code (a test checks it).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from montage.options.alignment import AlignmentOptions
from montage.options.article import ArticleOptions
from montage.options.embedding import EmbeddingOptions
from montage.options.index import IndexSettings
from montage.options.narration import NarrationOptions
from montage.options.relevance import RelevanceWeights
from montage.options.render import RenderOptions
from montage.options.search import SearchSettings
from montage.options.speech import SpeechOptions


def default_data_dir() -> Path:
    """Return ``$XDG_DATA_HOME/montage`` (default ``~/.local/share/montage``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "montage"


class Settings(BaseSettings):
    """All of montage's configuration. Every field can be set as ``MONTAGE_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="MONTAGE_", env_nested_delimiter="__", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir, description="DB, indexes, keyframes, artifacts.")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite in data_dir.")
    library_roots: list[Path] = Field(default_factory=list, description="Folders footage may come from.")
    index: IndexSettings = Field(default_factory=IndexSettings)
    search: SearchSettings = Field(default_factory=SearchSettings)
    # One option group per stage, each documented in its module of montage.options.
    embedding: EmbeddingOptions = Field(default_factory=EmbeddingOptions)
    article: ArticleOptions = Field(default_factory=ArticleOptions)
    narration: NarrationOptions = Field(default_factory=NarrationOptions)
    relevance: RelevanceWeights = Field(default_factory=RelevanceWeights)
    speech: SpeechOptions = Field(default_factory=SpeechOptions)
    alignment: AlignmentOptions = Field(default_factory=AlignmentOptions)
    render: RenderOptions = Field(default_factory=RenderOptions)
    candidates_per_sentence: int = Field(
        default=60, ge=1, description="ANN candidates per channel per sentence."
    )

    @field_validator("data_dir")
    @classmethod
    def _absolute_data_dir(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to SQLite inside the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'montage.db'}"

    @property
    def index_dir(self) -> Path:
        """Where the FAISS indexes live."""
        return self.data_dir / "indexes"

    @property
    def keyframe_dir(self) -> Path:
        """Where shot keyframes (JPEG) live."""
        return self.data_dir / "keyframes"

    @property
    def artifact_dir(self) -> Path:
        """Where rendered videos and intermediate artifacts live."""
        return self.data_dir / "artifacts"

    @property
    def cache_dir(self) -> Path:
        """Where re-creatable caches (speech audio, generated cards) live."""
        return self.data_dir / "cache"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once from the environment."""
    return Settings()
