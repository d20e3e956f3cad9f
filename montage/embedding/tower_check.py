"""Does a faster image tower embed like the float model? Cosine of their vectors on real-looking pictures.

An exported or quantised tower is used only when, on the same preprocessed inputs, every one of its vectors
is within cosine :data:`MIN_COSINE` of the float torch model's. The inputs are :func:`check_images`:
pictures generated from a fixed seed with the statistics of camera footage (a 1/f amplitude spectrum,
skies over textured ground, objects with soft and hard edges, dark low-light frames with sensor noise,
flat graphics) — no files needed, the same pictures on every machine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFilter

from montage.embedding.image_tower import ImageTower, normalise_rows

MIN_COSINE = 0.99
"""The lowest cosine between a candidate tower's vector and the float model's vector of the same image."""
CHECK_IMAGE_SIZE = (384, 216)
"""Keyframe-sized (384 px wide, 16:9), as the indexer stores them."""

Rng = np.random.Generator


@dataclass(frozen=True)
class TowerAgreement:
    """How close a candidate tower's vectors are to the reference's on the same images."""

    images: int
    min_cosine: float
    mean_cosine: float

    def passes(self, threshold: float = MIN_COSINE) -> bool:
        """True when every image's cosine reaches ``threshold``."""
        return self.images > 0 and self.min_cosine >= threshold

    def to_json(self) -> dict[str, float | int]:
        """A JSON-ready dict."""
        return asdict(self)


def cosines(reference: NDArray[np.float32], candidate: NDArray[np.float32]) -> NDArray[np.float32]:
    """Row-wise cosine of two feature matrices of the same shape."""
    return np.asarray(np.sum(normalise_rows(reference) * normalise_rows(candidate), axis=1), dtype=np.float32)


def agreement(reference: NDArray[np.float32], candidate: NDArray[np.float32]) -> TowerAgreement:
    """The agreement of two feature matrices (rows = the same images)."""
    values = cosines(reference, candidate)
    return TowerAgreement(
        images=len(values),
        min_cosine=round(float(values.min()), 6) if len(values) else 0.0,
        mean_cosine=round(float(values.mean()), 6) if len(values) else 0.0,
    )


def tower_agreement(
    reference: ImageTower, candidate: ImageTower, pixels: NDArray[np.float32]
) -> TowerAgreement:
    """Embed the preprocessed ``pixels`` with both towers and compare the vectors image by image."""
    return agreement(reference.encode(pixels), candidate.encode(pixels))


def _pink_noise(rng: Rng, height: int, width: int) -> NDArray[np.float64]:
    """Noise with a 1/f amplitude spectrum (like natural images), scaled to 0..1."""
    fy = np.fft.fftfreq(height)[:, None]
    fx = np.fft.rfftfreq(width)[None, :]
    radius = np.sqrt(fx * fx + fy * fy)
    radius[0, 0] = 1.0
    spectrum = (rng.normal(size=radius.shape) + 1j * rng.normal(size=radius.shape)) / radius
    spectrum[0, 0] = 0.0
    field = np.fft.irfft2(spectrum, s=(height, width))
    low, high = np.percentile(field, [1, 99])
    return np.asarray(np.clip((field - low) / max(high - low, 1e-9), 0.0, 1.0), dtype=np.float64)


def _colour(rng: Rng) -> NDArray[np.float64]:
    return rng.uniform(0.05, 0.95, size=3)


def _texture(rng: Rng, height: int, width: int) -> NDArray[np.float64]:
    """A coloured 1/f texture: two pink-noise fields mixed between two colours, plus a luminance field."""
    mix = _pink_noise(rng, height, width)[..., None]
    shade = _pink_noise(rng, height, width)[..., None]
    return (mix * _colour(rng) + (1 - mix) * _colour(rng)) * (0.6 + 0.4 * shade)


def _to_image(pixels: NDArray[np.float64], rng: Rng, noise: float = 0.015) -> Image.Image:
    noisy = pixels + rng.normal(scale=noise, size=pixels.shape)
    return Image.fromarray(np.clip(noisy * 255.0, 0, 255).astype(np.uint8))


def _natural_texture(rng: Rng) -> Image.Image:
    width, height = CHECK_IMAGE_SIZE
    return _to_image(_texture(rng, height, width), rng)


def _scene(rng: Rng, brightness: float = 1.0) -> Image.Image:
    """Sky over textured ground with a few objects (soft and hard edges), a slightly soft lens."""
    width, height = CHECK_IMAGE_SIZE
    horizon = int(height * rng.uniform(0.3, 0.65))
    rows = np.linspace(0.0, 1.0, horizon)[:, None, None]
    sky = (1 - rows) * _colour(rng) + rows * np.clip(_colour(rng) + 0.3, 0, 1)
    pixels = np.empty((height, width, 3))
    pixels[:horizon] = sky
    pixels[horizon:] = _texture(rng, height - horizon, width)
    picture = Image.fromarray((pixels * 255).astype(np.uint8))
    draw = ImageDraw.Draw(picture)
    for _ in range(int(rng.integers(3, 8))):
        x0, y0 = int(rng.integers(0, width - 40)), int(rng.integers(height // 5, height - 30))
        x1, y1 = x0 + int(rng.integers(20, width // 3)), y0 + int(rng.integers(20, height // 2))
        fill = tuple(int(c) for c in _colour(rng) * 255)
        if rng.random() < 0.5:
            draw.rectangle((x0, y0, x1, y1), fill=fill)
        else:
            draw.ellipse((x0, y0, x1, y1), fill=fill)
    picture = picture.filter(ImageFilter.GaussianBlur(radius=float(rng.uniform(0.5, 1.5))))
    return _to_image(np.asarray(picture, dtype=np.float64) / 255.0 * brightness, rng)


def _dark_scene(rng: Rng) -> Image.Image:
    """A low-light frame: the scene at a fifth of its brightness, with stronger sensor noise."""
    dim = np.asarray(_scene(rng, brightness=0.2), dtype=np.float64) / 255.0
    return _to_image(dim, rng, noise=0.03)


def _graphic(rng: Rng) -> Image.Image:
    """Flat colour bars and boxes with hard edges (titles, lower thirds, test cards)."""
    width, height = CHECK_IMAGE_SIZE
    picture = Image.new("RGB", (width, height), tuple(int(c) for c in _colour(rng) * 255))
    draw = ImageDraw.Draw(picture)
    bars = int(rng.integers(4, 9))
    for index in range(bars):
        x0 = index * width // bars
        draw.rectangle(
            (x0, 0, x0 + width // bars, height // 2), fill=tuple(int(c) for c in _colour(rng) * 255)
        )
    for _ in range(int(rng.integers(2, 6))):
        x0, y0 = int(rng.integers(0, width - 60)), int(rng.integers(height // 2, height - 20))
        draw.rectangle((x0, y0, x0 + int(rng.integers(40, 160)), y0 + 12), fill=(240, 240, 240))
    return _to_image(np.asarray(picture, dtype=np.float64) / 255.0, rng, noise=0.005)


_MAKERS: tuple[Callable[[Rng], Image.Image], ...] = (_scene, _natural_texture, _dark_scene, _scene, _graphic)


def check_images(count: int = 15, seed: int = 0) -> list[Image.Image]:
    """``count`` real-looking RGB pictures, the same for the same ``seed`` on every machine."""
    rng = np.random.default_rng(seed)
    return [_MAKERS[index % len(_MAKERS)](rng) for index in range(count)]
