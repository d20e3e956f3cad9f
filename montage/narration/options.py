"""The narration options live in :mod:`montage.options.narration` (a leaf, so the settings load no stage
code); this name stays for the modules that still import it from here."""

from montage.options.narration import LLMOptions, NarrationOptions

__all__ = ["LLMOptions", "NarrationOptions"]
