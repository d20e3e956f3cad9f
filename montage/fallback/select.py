"""The fallback generator the options ask for."""

from __future__ import annotations

from montage.errors import InputError
from montage.fallback.diffusers_generator import DiffusersGenerator
from montage.fallback.protocol import FallbackGenerator
from montage.fallback.title_card import TitleCardGenerator
from montage.options.fallback import FallbackOptions


def fallback_generator(options: FallbackOptions | None = None) -> FallbackGenerator:
    """A TitleCardGenerator, or a DiffusersGenerator when configured with a model path."""
    options = options or FallbackOptions()
    if options.generator == "diffusers":
        if options.diffusers_model_path is None:
            raise InputError("the diffusers fallback needs diffusers_model_path (a local pipeline folder)")
        return DiffusersGenerator(
            options.diffusers_model_path, steps=options.diffusers_steps, frames=options.diffusers_frames
        )
    return TitleCardGenerator(options.title_card)
