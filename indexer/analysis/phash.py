"""64-bit perceptual hash (DCT pHash) of an image.

The image is turned gray and shrunk to 32×32 (area averaging); the 8×8 lowest-frequency block of its 2-D
DCT gives 64 bits, each set when the coefficient is above the median of the block's 63 AC coefficients.
Bits are packed row by row, most significant first. Similar pictures have hashes a few bits apart.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

HASH_SIZE = 8
SAMPLE_SIZE = 32


def phash64(image: Image.Image) -> int:
    """Return the 64-bit DCT perceptual hash of ``image`` as an unsigned int."""
    gray = np.asarray(image.convert("L"), dtype=np.uint8)
    small = cv2.resize(gray, (SAMPLE_SIZE, SAMPLE_SIZE), interpolation=cv2.INTER_AREA).astype(np.float32)
    block = cv2.dct(small)[:HASH_SIZE, :HASH_SIZE]
    median = float(np.median(block.flatten()[1:]))
    value = 0
    for bit in block.flatten() > median:
        value = (value << 1) | int(bit)
    return value
