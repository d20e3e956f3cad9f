"""Stage 7 of the pipeline: pictures for sentences no library shot fits (title cards by default)."""

from montage.fallback.diffusers_generator import DiffusersGenerator
from montage.fallback.protocol import FallbackGenerator, InlineFallbackGenerator
from montage.fallback.select import fallback_generator
from montage.fallback.title_card import TitleCardGenerator
from montage.options.fallback import FallbackOptions, TitleCardOptions

__all__ = [
    "DiffusersGenerator",
    "FallbackGenerator",
    "FallbackOptions",
    "InlineFallbackGenerator",
    "TitleCardGenerator",
    "TitleCardOptions",
    "fallback_generator",
]
