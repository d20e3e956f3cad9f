"""Options of library-text gathering: preferred subtitles, sidecar size limit, extra filler words."""

from __future__ import annotations

from pydantic import BaseModel, Field


class LibraryTextOptions(BaseModel):
    """How the text describing each video is gathered.

    Passed to :func:`indexer.library_text.source_text.build_source_text`; the index run uses the defaults
    (these are not environment settings).
    """

    subtitle_languages: list[str] = Field(
        default_factory=lambda: ["en"],
        description="Preferred subtitle sidecar languages, best first (NAME.<lang>.srt).",
    )
    max_sidecar_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="Larger JSON/TXT sidecars are ignored (with a warning)."
    )
    extra_junk_words: list[str] = Field(
        default_factory=list, description="More file-name words to ignore (besides 'final', 'v2', ...)."
    )
