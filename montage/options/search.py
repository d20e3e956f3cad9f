"""Options of the vector search (``MONTAGE_SEARCH__*``); how hits are scored is ``MONTAGE_RELEVANCE__*``."""

from __future__ import annotations

from pydantic import BaseModel, Field


class SearchSettings(BaseModel):
    """How many candidates each channel's index returns, and when an index switches to approximate search."""

    exact_search_max_vectors: int = Field(
        default=250_000, ge=1, description="Up to this many vectors a channel's index searches exactly."
    )
    candidates_per_channel: int = Field(
        default=200, ge=1, description="Candidates each channel's index returns for a search query."
    )
