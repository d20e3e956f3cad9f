"""SRT/WebVTT subtitles: timed to the narration sentences (and so to the cuts), short lines."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from montage.text.width import is_wide_char
from montage.timeline.align import align
from montage.timeline.assemble import build_timeline, narration_clips
from montage.timeline.plan_inputs import Slot
from montage.timeline.subtitle_lines import subtitle_blocks
from montage.timeline.subtitles import write_srt, write_vtt

from .builders import shot

LONG = (
    "The Thames Barrier, completed in 1982 after eight years of construction, has been closed more than "
    "two hundred times to protect central London from tidal surges."
)
CJK = "泰晤士河防洪闸于一九八二年建成，至今已关闭两百多次，保护伦敦市中心免受风暴潮的侵袭。"


def _srt_times(text: str) -> list[tuple[float, float]]:
    def seconds(stamp: str) -> float:
        h, m, rest = stamp.split(":")
        s, ms = rest.split(",")
        return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000

    return [(seconds(a), seconds(b)) for a, b in re.findall(r"(\S+) --> (\S+)", text)]


def _timeline(tmp_path: Path):
    slots = [
        Slot(0, "Storm surges threaten London.", 0.0, 2.4, 0.6),
        Slot(1, LONG, 2.7, 9.6, 0.9),
        Slot(2, "It will need replacing.", 12.5, 1.9, 0.4),
    ]
    candidates = {
        i: [shot(10 * i + k, 10 * i + k, 0.8 - 0.1 * k, length=12) for k in range(4)] for i in range(3)
    }
    alignment = align(slots, candidates)
    clips = narration_clips(slots, {i: str(tmp_path / f"s{i}.wav") for i in range(3)})
    return slots, build_timeline(alignment, clips, width=1280, height=720, fps=30, aspect="16:9")


def test_srt_cues_follow_sentences_and_meet_the_cuts(tmp_path: Path) -> None:
    slots, timeline = _timeline(tmp_path)
    text = write_srt(timeline, tmp_path / "out.srt").read_text(encoding="utf-8")
    times = _srt_times(text)
    assert times[0][0] == 0.0
    assert times[-1][1] == round(slots[-1].start_s + slots[-1].duration_s, 3)
    for (_, end), (start, _) in itertools.pairwise(times):
        assert end == start  # cues are contiguous
    cue_edges = {t for pair in times for t in pair}
    for slot in slots[1:]:
        assert slot.start_s in cue_edges  # a cue starts exactly where each sentence starts...
    segment_starts = {round(s.start_s, 3) for s in timeline.segments}
    for slot in slots:
        assert round(slot.start_s, 3) in segment_starts  # ...which is also a picture cut
    assert len(times) >= 4  # the long sentence needed more than one cue
    assert text.startswith("1\n00:00:00,000 --> ")


def test_lines_are_at_most_42_characters_and_two_per_cue(tmp_path: Path) -> None:
    _, timeline = _timeline(tmp_path)
    text = write_srt(timeline, tmp_path / "out.srt").read_text(encoding="utf-8")
    for block in text.strip().split("\n\n"):
        lines = block.split("\n")[2:]
        assert 1 <= len(lines) <= 2
        assert all(len(line) <= 42 for line in lines)
    words = " ".join(" ".join(block.split("\n")[2:]) for block in text.strip().split("\n\n")).split()
    assert LONG in " ".join(words)  # nothing lost or reordered


def test_cjk_lines_hold_at_most_16_characters() -> None:
    blocks = subtitle_blocks(CJK)
    assert "".join("".join(b) for b in blocks) == CJK
    for block in blocks:
        assert len(block) <= 2
        for line in block:
            assert sum(1 for c in line if is_wide_char(c)) <= 16
            assert not line.startswith(("，", "。"))


def test_vtt_has_header_and_dot_milliseconds(tmp_path: Path) -> None:
    slots, _ = _timeline(tmp_path)
    text = write_vtt(slots, tmp_path / "out.vtt").read_text(encoding="utf-8")
    assert text.startswith("WEBVTT\n\n00:00:00.000 --> 00:00:02.700\nStorm surges threaten London.\n")
    assert "," not in re.findall(r"\S+ --> \S+", text)[0]


@pytest.mark.reliability
def test_vtt_escapes_what_would_start_a_tag_or_entity(tmp_path: Path) -> None:
    """Issue 10: "<" in a sentence made players drop the rest of the caption."""
    from montage.text.cues import Cue
    from montage.timeline.subtitles import format_vtt

    text = format_vtt([Cue(0.0, 2.0, "Profits < 5% & falling -> worse", 0)])
    assert "Profits &lt; 5% &amp; falling -&gt; worse" in text
