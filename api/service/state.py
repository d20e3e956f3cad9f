"""What the running app holds: settings, the database, the job queue, metrics, the media URL signer and
lazily loaded encoders."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry

from api.jobs.queue import JobQueue
from api.service.settings import ServiceSettings
from api.service.signed_urls import UrlSigner
from montage.config import Settings
from montage.db.database import Database
from montage.search.channels import Channels


@dataclass
class ServiceState:
    """One per app; stored on ``app.state.montage``."""

    settings: Settings
    service: ServiceSettings
    db: Database
    queue: JobQueue
    registry: CollectorRegistry
    signer: UrlSigner
    started_at: float = field(default_factory=time.time)
    _channels: Channels | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def channels(self) -> Channels:
        """The encoders for shot search, loaded on first use."""
        with self._lock:
            if self._channels is None:
                from montage.search.channels import open_channels

                self._channels = open_channels(self.settings.embedding)
            return self._channels

    @property
    def channels_loaded(self) -> Channels | None:
        """The encoders if already loaded, without loading them."""
        return self._channels
