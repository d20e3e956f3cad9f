"""The embedding channels a process can use: text always, visual (CLIP) only when its weights are here."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from montage.config import Settings
from montage.embedding import EmbeddingOptions, clip_availability, load_clip_encoder, load_text_encoder
from montage.embedding.protocol import ImageTextEmbedder, TextEmbedder
from montage.errors import ModelUnavailableError

log = logging.getLogger(__name__)

TEXT = "text"
VISUAL = "visual"


@dataclass(frozen=True)
class Channels:
    """Loaded encoders. ``visual`` is None when CLIP is unavailable; ``visual_reason`` says why."""

    text: TextEmbedder
    visual: ImageTextEmbedder | None
    visual_reason: str

    @property
    def available(self) -> list[str]:
        """Names of the usable channels."""
        return [TEXT] + ([VISUAL] if self.visual is not None else [])


def embedding_options(settings: Settings) -> EmbeddingOptions:
    """The embedding options from ``MONTAGE_EMBEDDING__*`` settings."""
    return settings.embedding


def open_channels(settings: Settings) -> Channels:
    """Load the text encoder and, when its weights are present, the CLIP encoder. Says plainly when not."""
    options = embedding_options(settings)
    text = load_text_encoder(options)
    availability = clip_availability(options)
    if not availability.available:
        log.warning("visual channel unavailable: %s; searching on the text channel only", availability.reason)
        return Channels(text=text, visual=None, visual_reason=availability.reason)
    try:
        visual = load_clip_encoder(options)
    except ModelUnavailableError as exc:
        log.warning("visual channel unavailable: %s", exc.message)
        return Channels(text=text, visual=None, visual_reason=exc.message)
    return Channels(text=text, visual=visual, visual_reason="")
