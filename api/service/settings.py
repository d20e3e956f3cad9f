"""Settings of the REST service and its workers (``MONTAGE_SERVICE_*``), next to montage's own Settings."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

QueueMode = Literal["embedded", "dramatiq"]


class ServiceSettings(BaseSettings):
    """How the service listens, queues and runs jobs; each field is set as ``MONTAGE_SERVICE_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="MONTAGE_SERVICE_", extra="ignore")

    host: str = Field(default="127.0.0.1", description="Address `montage serve` binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `montage serve` listens on.")
    queue: QueueMode = Field(
        default="embedded",
        description="`embedded`: an in-process worker pool in `montage serve` (no broker); "
        "`dramatiq`: job ids go to Redis and `montage worker` processes run them.",
    )
    embedded_workers: int = Field(default=2, ge=0, le=32, description="Worker threads of the embedded pool.")
    redis_url: str = Field(default="redis://127.0.0.1:6379/0", description="Redis of the Dramatiq broker.")
    queue_name: str = Field(default="montage-jobs", description="Dramatiq queue name.")
    worker_threads: int = Field(default=1, ge=1, le=32, description="Jobs one `montage worker` runs at once.")
    index_threads: int = Field(
        default=1,
        ge=0,
        le=32,
        description="Files one `montage worker` analyses at once for a re-index fanned out over the queue "
        "(`dramatiq` mode); 0: this worker takes no per-file index tasks.",
    )
    heartbeat_s: float = Field(
        default=2.0, gt=0, description="How often a running job's heartbeat is written."
    )
    stale_after_s: float = Field(
        default=30.0, gt=0, description="A running job whose heartbeat is older than this is requeued."
    )
    sweep_every_s: float = Field(default=5.0, gt=0, description="How often workers look for stuck jobs.")
    max_attempts: int = Field(default=3, ge=1, le=20, description="Tries of a job before it fails for good.")
    migrate_on_start: bool = Field(
        default=True, description="Migrate the DB when the API or a worker starts."
    )
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed by CORS (none by default)."
    )
    max_body_bytes: int = Field(default=2_000_000, ge=1024, description="Largest accepted request body.")
    max_article_chars: int = Field(default=200_000, ge=100, description="Longest accepted article text.")
    page_size_max: int = Field(default=100, ge=1, description="Largest page of `GET /v1/jobs`.")
    preview_max_s: float = Field(default=6.0, gt=0, description="Longest shot preview clip.")
    preview_width: int = Field(default=320, ge=64, description="Width of shot preview clips.")
    search_max_k: int = Field(default=50, ge=1, description="Most results of one shot search.")
    log_json: bool = Field(default=True, description="Log one JSON object per line.")
    open_reads: bool = Field(
        default=False,
        description="Serve reads (jobs, results, timelines, stats, metrics, docs, shots, search) without a "
        "key, every job to every caller: only for a trusted network. Writes still need a key and ownership.",
    )
    media_url_secret: SecretStr | None = Field(
        default=None,
        description="Secret of the signed media URLs; unset: generated once and kept in "
        "`<data_dir>/secrets/media-url.key` (every process of a deployment must share it).",
    )
    media_url_ttl_s: float = Field(
        default=3600.0, ge=10, le=7 * 86_400, description="How long a signed media URL stays valid."
    )
