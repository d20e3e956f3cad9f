"""The words that describe a piece of footage, gathered from everything the library says about it.

Sources, in precedence order for each field (the first one that gives a non-empty value wins):

1. the library manifest (CSV or JSON, see :mod:`indexer.library_text.manifest`),
2. a JSON sidecar beside the video (``NAME.json``, see :mod:`indexer.library_text.sidecars`),
3. a text sidecar (``NAME.txt``, the description),
4. the container's metadata tags (title, description/comment, keywords, ...),
5. words from the file and folder names (title only).

Subtitles come from a sidecar ``NAME.srt``/``NAME.vtt`` (or ``NAME.<lang>.srt``) first, then from a text
subtitle track inside the container. The result, :class:`SourceText`, builds the text embedded for each
shot (:meth:`SourceText.shot_text`), a digest that changes exactly when that text can change, and a
credit line.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from indexer.library_text.container_tags import fields_from_container_tags
from indexer.library_text.fields import TextFields
from indexer.library_text.manifest import ManifestLookup
from indexer.library_text.name_words import name_words
from indexer.library_text.options import LibraryTextOptions
from indexer.library_text.sidecars import SidecarText, read_sidecars
from indexer.subtitles import text_between
from montage.text.cues import Cue
from montage.text.scripts import CJK_LETTER_CLASS

SHOT_TEXT_VERSION = 1
"""Bumped whenever the way shot text is built changes, so stored text embeddings are recomputed."""

DEFAULT_LICENSE = "unknown"
"""The licence of footage no source gives one for (credits say so)."""

DEFAULT_SHOT_TEXT_MAX_TOKENS = 480
"""Approximate token budget of one shot's text (see :meth:`SourceText.shot_text`)."""

_TOKEN = re.compile(rf"[{CJK_LETTER_CLASS}]|[^\W{CJK_LETTER_CLASS}]+|[^\w\s]")
"""Approximate tokens: one per CJK character, word run or punctuation mark."""
_SENTENCE_END = re.compile(r"[.!?…。！？]$")


@dataclass(frozen=True)
class SourceText:
    """Everything known about the words of one video: the input to the text channel and to credits."""

    title: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    language: str | None = None
    license: str = DEFAULT_LICENSE
    attribution: str = ""
    source_url: str = ""
    name_words: tuple[str, ...] = ()
    subtitles: list[Cue] = field(default_factory=list)
    file_name: str = ""
    warnings: tuple[str, ...] = ()
    """Problems met while reading sidecars (not part of the digest)."""
    manifest_fields: TextFields | None = None
    """What manifests say about this video (stored, so a later run without them keeps it; not digested)."""

    def digest(self) -> str:
        """Return a stable sha256 (hex) of everything that feeds shot texts (changes iff they may change)."""
        payload = {
            "version": SHOT_TEXT_VERSION,
            "title": self.title,
            "description": self.description,
            "tags": list(self.tags),
            "language": self.language,
            "name_words": list(self.name_words),
            "subtitles": [[round(c.start_s, 3), round(c.end_s, 3), c.text] for c in self.subtitles],
        }
        encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()

    def shot_text(
        self, start_s: float, end_s: float, *, max_tokens: int = DEFAULT_SHOT_TEXT_MAX_TOKENS
    ) -> str:
        """Return the text embedded for the shot ``[start_s, end_s)`` of this video.

        Parts in priority order: title, description, tags, name words (left out when they only repeat the
        title), subtitle text spoken during the shot. The text is cut at about ``max_tokens`` tokens
        (words, punctuation marks and CJK characters counted), dropping lower-priority parts first.
        """
        name_text = " ".join(self.name_words)
        parts = [
            self.title,
            self.description if self.description.lower() != self.title.lower() else "",
            ", ".join(self.tags),
            name_text if name_text.lower() != self.title.lower() else "",
            text_between(self.subtitles, start_s, end_s),
        ]
        pieces: list[str] = []
        budget = max_tokens
        for part in parts:
            part = part.strip()
            if not part or budget <= 0:
                continue
            if not _SENTENCE_END.search(part):
                part += "."
            tokens = list(_TOKEN.finditer(part))
            if len(tokens) > budget:
                part = part[: tokens[budget - 1].end()].rstrip()
                tokens = tokens[:budget]
            pieces.append(part)
            budget -= len(tokens)
        return " ".join(pieces)

    def credit(self) -> str:
        """Return ``Title — Attribution (License)``; the licence reads ``unknown`` when not known."""
        title = self.title or self.file_name or "Untitled"
        if self.attribution:
            return f"{title} — {self.attribution} ({self.license})"
        return f"{title} ({self.license})"


def merge_source_text(
    *,
    file_name: str,
    manifest_entry: TextFields | None = None,
    sidecar: SidecarText | None = None,
    container_tags: Mapping[str, str] | None = None,
    words: Sequence[str] = (),
    embedded_subtitles: Sequence[Cue] = (),
) -> SourceText:
    """Combine every source into one :class:`SourceText` (pure; no I/O).

    For each field the first non-empty value wins, in the order manifest, sidecar JSON, sidecar TXT
    (description), container tags, name words (title). Sidecar subtitles win over embedded ones.
    """
    sidecar = sidecar or SidecarText()
    layers: list[TextFields] = [
        layer
        for layer in (
            manifest_entry,
            sidecar.fields,
            TextFields(description=sidecar.description),
            fields_from_container_tags(container_tags or {}, file_name),
        )
        if layer is not None
    ]

    def first_text(name: str) -> str | None:
        for layer in layers:
            value = getattr(layer, name)
            if value:
                return str(value)
        return None

    tags = next((layer.tags for layer in layers if layer.tags), ())
    title = first_text("title") or " ".join(words).capitalize()
    subtitles = list(sidecar.subtitles) if sidecar.subtitles else list(embedded_subtitles)
    return SourceText(
        title=title,
        description=first_text("description") or "",
        tags=tuple(tags),
        language=first_text("language"),
        license=first_text("license") or DEFAULT_LICENSE,
        attribution=first_text("attribution") or "",
        source_url=first_text("source") or "",
        name_words=tuple(words),
        subtitles=subtitles,
        file_name=file_name,
        warnings=sidecar.warnings,
        manifest_fields=TextFields().over(manifest_entry) if manifest_entry is not None else None,
    )


def build_source_text(
    video_path: Path,
    *,
    root: Path | None = None,
    manifest: ManifestLookup | None = None,
    container_tags: Mapping[str, str] | None = None,
    embedded_subtitles: Sequence[Cue] = (),
    options: LibraryTextOptions | None = None,
) -> SourceText:
    """Gather the text of one video: manifest entry, sidecars, container tags, names, subtitles.

    ``root`` is the library folder the video was found under (its folder names below ``root`` become
    name words; without it only the file name is used). ``container_tags`` are the probe's format tags;
    ``embedded_subtitles`` the cues of an embedded track (see ``indexer.embedded_subtitles``).
    """
    options = options or LibraryTextOptions()
    video_path = Path(video_path)
    rel_path = Path(video_path.name)
    if root is not None:
        try:
            rel_path = video_path.relative_to(root)
        except ValueError:
            rel_path = Path(video_path.name)
    entry = manifest.get(video_path) if manifest is not None else None
    return merge_source_text(
        file_name=video_path.name,
        manifest_entry=entry,
        sidecar=read_sidecars(video_path, options),
        container_tags=container_tags,
        words=name_words(rel_path, extra_junk=options.extra_junk_words),
        embedded_subtitles=embedded_subtitles,
    )
