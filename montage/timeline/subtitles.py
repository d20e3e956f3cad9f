"""Subtitles timed to the narration sentences, written as SRT or WebVTT.

A sentence's cues run from its audio start to the next sentence's start (the last one to its audio end),
so cue boundaries at sentence starts coincide with the picture cuts there. A sentence too long for one
two-line cue becomes several cues sharing its time in proportion to their text width.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from montage.text.cues import Cue
from montage.timeline.model import Timeline
from montage.timeline.subtitle_lines import block_width, subtitle_blocks


class TimedSentence(Protocol):
    """Anything with a sentence's text and its place on the output clock (Slot, NarrationClip)."""

    @property
    def sentence_index(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def start_s(self) -> float: ...
    @property
    def duration_s(self) -> float: ...


def cues_for_sentences(sentences: Sequence[TimedSentence]) -> list[Cue]:
    """Cues for the sentences (any order; empty texts are skipped), times rounded to milliseconds."""
    ordered = sorted(sentences, key=lambda s: (s.start_s, s.sentence_index))
    cues: list[Cue] = []
    for position, sentence in enumerate(ordered):
        start = sentence.start_s
        end = ordered[position + 1].start_s if position + 1 < len(ordered) else start + sentence.duration_s
        blocks = subtitle_blocks(sentence.text)
        if not blocks:
            continue
        widths = [max(block_width(b), 1e-9) for b in blocks]
        total = sum(widths)
        edge = start
        for i, block in enumerate(blocks):
            block_end = end if i == len(blocks) - 1 else edge + (end - start) * widths[i] / total
            cues.append(Cue(round(edge, 3), round(block_end, 3), "\n".join(block), sentence.sentence_index))
            edge = block_end
    return cues


def cues_for_timeline(timeline: Timeline) -> list[Cue]:
    """Cues from the timeline's narration clips (a clip without text uses its segment's sentence)."""
    sentence_text = {s.sentence_index: s.sentence for s in timeline.segments}

    @dataclass(frozen=True)
    class _Sentence:
        sentence_index: int
        text: str
        start_s: float
        duration_s: float

    return cues_for_sentences(
        [
            _Sentence(
                n.sentence_index, n.text or sentence_text.get(n.sentence_index, ""), n.start_s, n.duration_s
            )
            for n in timeline.narration
        ]
    )


def _clock(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def format_srt(cues: Sequence[Cue]) -> str:
    """SubRip text: numbered cues, ``HH:MM:SS,mmm --> HH:MM:SS,mmm``."""
    blocks = [
        f"{n}\n{_clock(c.start_s, ',')} --> {_clock(c.end_s, ',')}\n" + "\n".join(c.lines)
        for n, c in enumerate(cues, start=1)
    ]
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _vtt_text(line: str) -> str:
    """Cue text escaped for WebVTT, where ``<`` starts a tag and ``&`` an entity (else text is dropped)."""
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def format_vtt(cues: Sequence[Cue]) -> str:
    """WebVTT text: ``WEBVTT`` header, ``HH:MM:SS.mmm --> HH:MM:SS.mmm`` cues, cue text escaped."""
    blocks = [
        f"{_clock(c.start_s, '.')} --> {_clock(c.end_s, '.')}\n"
        + "\n".join(_vtt_text(line) for line in c.lines)
        for c in cues
    ]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + ("\n" if blocks else "")


def _write(text: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)
    return path


def write_srt(source: Timeline | Sequence[TimedSentence], path: Path) -> Path:
    """Write SubRip subtitles for a timeline (its narration) or for slots; returns ``path``."""
    cues = cues_for_timeline(source) if isinstance(source, Timeline) else cues_for_sentences(source)
    return _write(format_srt(cues), path)


def write_vtt(source: Timeline | Sequence[TimedSentence], path: Path) -> Path:
    """Write WebVTT subtitles for a timeline (its narration) or for slots; returns ``path``."""
    cues = cues_for_timeline(source) if isinstance(source, Timeline) else cues_for_sentences(source)
    return _write(format_vtt(cues), path)
