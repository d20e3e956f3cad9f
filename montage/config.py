"""Configuration from the environment (``MONTAGE_*``), one ``Settings`` object for the whole system.

Nested groups use ``__`` as a separator, e.g. ``MONTAGE_RELEVANCE__NAMED=0.6``. Nothing is read at import
time: call :func:`get_settings` (cached) or build ``Settings()`` explicitly in tests.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from montage.article.options import ArticleOptions
from montage.embedding.options import EmbeddingOptions
from montage.narration.options import NarrationOptions
from montage.render.options import RenderOptions
from montage.retrieval.weights import RelevanceWeights
from montage.search.options import SearchSettings
from montage.speech.options import SpeechOptions
from montage.timeline.options import AlignmentOptions


def default_data_dir() -> Path:
    """Return ``$XDG_DATA_HOME/montage`` (default ``~/.local/share/montage``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "montage"


class IndexSettings(BaseModel):
    """How the indexer splits footage into shots and how hard it works."""

    workers: int = Field(default=2, ge=1, le=64, description="Files analysed in parallel.")
    detector_threshold: float = Field(default=27.0, description="PySceneDetect ContentDetector threshold.")
    min_shot_s: float = Field(default=0.5, gt=0)
    max_shot_s: float = Field(default=8.0, gt=0, description="Longer shots are split into sub-shots.")
    analysis_width: int = Field(default=192, ge=32, description="Frame width used for shot detection.")
    keyframe_candidates_per_second: float = Field(default=2.0, gt=0)
    keyframe_width: int = Field(default=384, ge=64)
    probe_timeout_s: float = Field(default=30.0, gt=0)


class Settings(BaseSettings):
    """All of montage's configuration. Every field can be set as ``MONTAGE_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="MONTAGE_", env_nested_delimiter="__", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir, description="DB, indexes, keyframes, artifacts.")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite in data_dir.")
    library_roots: list[Path] = Field(default_factory=list, description="Folders footage may come from.")
    index: IndexSettings = Field(default_factory=IndexSettings)
    search: SearchSettings = Field(default_factory=SearchSettings)
    # Option groups owned by their stages (each documented in its own module).
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
