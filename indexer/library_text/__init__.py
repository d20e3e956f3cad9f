"""The words that describe each video of a footage library, and the text embedded for each of its shots.

One module per job (mirrored by ``tests/indexer/text/``):

- :mod:`~indexer.library_text.fields` — the descriptive fields every source gives, and key/value normalising;
- :mod:`~indexer.library_text.manifest` (rows read by :mod:`~indexer.library_text.manifest_rows`) —
  library manifests (CSV/JSON);
- :mod:`~indexer.library_text.sidecars` — ``NAME.json`` / ``NAME.txt`` / subtitle files beside a video;
- :mod:`~indexer.library_text.container_tags` — the container's metadata tags;
- :mod:`~indexer.library_text.name_words` — words from file and folder names;
- :mod:`~indexer.library_text.source_text` — all of them merged into a :class:`SourceText`, its shot texts,
  digest and credit line;
- :mod:`~indexer.library_text.options` — :class:`LibraryTextOptions`.

The names below are re-exported for callers that want the whole toolbox.
"""

from __future__ import annotations

from indexer.library_text.container_tags import fields_from_container_tags
from indexer.library_text.fields import TextFields, canonical_key, fields_from_mapping, parse_tags
from indexer.library_text.manifest import (
    MANIFEST_NAMES,
    Manifest,
    ManifestEntry,
    find_manifest,
    load_manifest,
)
from indexer.library_text.manifest_rows import ManifestProblem
from indexer.library_text.name_words import JUNK_NAME_WORDS, name_words
from indexer.library_text.options import LibraryTextOptions
from indexer.library_text.sidecars import Sidecars, SidecarText, find_sidecars, read_sidecars
from indexer.library_text.source_text import (
    DEFAULT_LICENSE,
    DEFAULT_SHOT_TEXT_MAX_TOKENS,
    SHOT_TEXT_VERSION,
    SourceText,
    build_source_text,
    merge_source_text,
)

__all__ = [
    "DEFAULT_LICENSE",
    "DEFAULT_SHOT_TEXT_MAX_TOKENS",
    "JUNK_NAME_WORDS",
    "MANIFEST_NAMES",
    "SHOT_TEXT_VERSION",
    "LibraryTextOptions",
    "Manifest",
    "ManifestEntry",
    "ManifestProblem",
    "SidecarText",
    "Sidecars",
    "SourceText",
    "TextFields",
    "build_source_text",
    "canonical_key",
    "fields_from_container_tags",
    "fields_from_mapping",
    "find_manifest",
    "find_sidecars",
    "load_manifest",
    "merge_source_text",
    "name_words",
    "parse_tags",
    "read_sidecars",
]
