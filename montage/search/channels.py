"""The embedding channels a process can use: text always, visual (CLIP) only when its weights are here."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from montage.embedding.clip_encoder import load_clip_encoder
from montage.embedding.clip_weights import clip_availability
from montage.embedding.protocol import ImageTextEmbedder, TextEmbedder
from montage.embedding.text_encoder import load_text_encoder
from montage.errors import ModelUnavailableError
from montage.options.embedding import EmbeddingOptions

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


def open_channels(options: EmbeddingOptions) -> Channels:
    """Load the text encoder and, when its weights are present, the CLIP encoder (``MONTAGE_EMBEDDING__*``
    options, i.e. ``settings.embedding``). Says plainly when CLIP is not here."""
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
