"""The relevance weights live in :mod:`montage.options.relevance` (a leaf, so the settings load no stage
code); this name stays for the modules that still import it from here."""

from montage.options.relevance import RelevanceWeights

__all__ = ["RelevanceWeights"]
