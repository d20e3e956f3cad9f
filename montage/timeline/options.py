"""The alignment options live in :mod:`montage.options.alignment` (a leaf, so the settings load no stage
code); this name stays for the modules that still import it from here."""

from montage.options.alignment import AlignmentOptions

__all__ = ["AlignmentOptions"]
