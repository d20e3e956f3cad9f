"""Job kinds and statuses."""

from __future__ import annotations

from typing import Final

VIDEO: Final = "video"
RENDER: Final = "render"
REINDEX: Final = "reindex"
KINDS: Final = (VIDEO, RENDER, REINDEX)

QUEUED: Final = "queued"
RUNNING: Final = "running"
SUCCEEDED: Final = "succeeded"
FAILED: Final = "failed"
CANCELLED: Final = "cancelled"
STATUSES: Final = (QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED)
TERMINAL: Final = frozenset({SUCCEEDED, FAILED, CANCELLED})
