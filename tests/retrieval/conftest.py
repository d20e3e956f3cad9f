"""Fixtures of the relevance tests: the real offline text model."""

from __future__ import annotations

import pytest

from montage.embedding.protocol import TextEmbedder
from tests.narration.text_model import text_embedder


@pytest.fixture(scope="session")
def embedder() -> TextEmbedder:
    """all-MiniLM-L6-v2 on CPU, offline."""
    return text_embedder()
