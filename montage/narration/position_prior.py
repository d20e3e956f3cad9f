"""Position prior: news puts the point first, and each paragraph opens with its own point."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray


def position_prior(paragraph_indexes: Sequence[int]) -> NDArray[np.float64]:
    """Prior in [0, 1] per sentence, from its rank in the article and in its paragraph.

    ``0.5 / (1 + rank/2) + 0.5 / (1 + rank in paragraph)``: the first sentence of the article gets 1, the
    first of a later paragraph a bit over 0.5, the rest decay slowly.
    """
    prior = np.zeros(len(paragraph_indexes), dtype=np.float64)
    in_paragraph = 0
    previous: int | None = None
    for rank, paragraph in enumerate(paragraph_indexes):
        in_paragraph = in_paragraph + 1 if paragraph == previous else 0
        previous = paragraph
        prior[rank] = 0.5 / (1.0 + rank / 2.0) + 0.5 / (1.0 + in_paragraph)
    return prior
