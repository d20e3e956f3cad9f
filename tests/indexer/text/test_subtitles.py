"""SRT and WebVTT parsing, including the malformed files found in real libraries."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.subtitles import parse_subtitles, read_subtitle_file, text_between
from montage.errors import InputError
from montage.text.cues import Cue

SRT = """1
00:00:01,000 --> 00:00:02,500
Hello <i>there</i>,
<font color="#ff0000">general</font> Kenobi.

2
00:00:03,000 --> 00:00:04,000 X1:100 X2:200 Y1:10 Y2:50
{\\an8}Top &amp; centre

"""


def test_srt_with_bom_crlf_tags_positions() -> None:
    text = "\ufeff" + SRT.replace("\n", "\r\n")
    assert parse_subtitles(text) == [
        Cue(1.0, 2.5, "Hello there, general Kenobi."),
        Cue(3.0, 4.0, "Top & centre"),
    ]


def test_srt_old_mac_line_ends() -> None:
    assert [c.text for c in parse_subtitles(SRT.replace("\n", "\r"))] == [
        "Hello there, general Kenobi.",
        "Top & centre",
    ]


def test_srt_missing_index_lines_and_missing_blank_lines() -> None:
    text = (
        "00:00:01,000 --> 00:00:02,000\nfirst\n"
        "2\n00:00:02,000 --> 00:00:03,000\nsecond\n"
        "00:00:03,000 --> 00:00:04,000\nthird\n\n\n\n"
        "7\n00:00:05.5 --> 00:00:06\nfourth, dot millis, hour-less end\n"
    )
    cues = parse_subtitles(text)
    assert [c.text for c in cues] == ["first", "second", "third", "fourth, dot millis, hour-less end"]
    assert cues[3].start_s == pytest.approx(5.5)
    assert cues[3].end_s == pytest.approx(6.0)


def test_srt_skips_broken_cues_and_sorts() -> None:
    text = (
        "1\n00:00:09,000 --> 00:00:10,000\nlate\n\n"
        "2\nno timing here\nstill nothing\n\n"
        "3\n00:00:05,000 --> 00:00:04,000\nends before it starts\n\n"
        "4\n00:00:01,000 --> 00:00:02,000\n<b></b>\n\n"
        "5\n01:00:00,000 --> 01:00:01,000\nan hour in\n"
    )
    cues = parse_subtitles(text)
    assert [(c.start_s, c.text) for c in cues] == [(9.0, "late"), (3600.0, "an hour in")]


def test_webvtt_header_note_style_region_ids_settings() -> None:
    text = """WEBVTT - a title

STYLE
::cue { color: yellow }

REGION
id:fred width:40%

NOTE this is a comment
that spans lines

intro
00:01.000 --> 00:02.000 align:start position:10% line:0
<v Roger Bingham>We are in New York City
<c.loud>Really</c> <00:01.500>loud

00:00:02.000 --> 00:00:03.250
It&#39;s &lt;fine&gt;&nbsp;here
"""
    cues = parse_subtitles(text)
    assert cues == [
        Cue(1.0, 2.0, "We are in New York City Really loud"),
        Cue(2.0, 3.25, "It's <fine> here"),
    ]


def test_text_between_overlap_and_rolling_duplicates() -> None:
    cues = [
        Cue(0.0, 1.0, "a"),
        Cue(1.0, 2.0, "b"),
        Cue(2.0, 3.0, "b"),
        Cue(3.0, 4.0, "c"),
        Cue(5.0, 5.0, "point"),
    ]
    assert text_between(cues, 1.0, 3.0) == "b"
    assert text_between(cues, 0.5, 3.5) == "a b c"
    assert text_between(cues, 4.0, 4.9) == ""
    assert text_between(cues, 4.5, 6.0) == "point"
    assert text_between([], 0, 10) == ""


def test_read_file_in_legacy_encodings(tmp_path: Path) -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\nCafé crème à la française, déjà vu\n"
    latin = tmp_path / "latin.srt"
    latin.write_bytes(text.encode("cp1252"))
    utf16 = tmp_path / "utf16.vtt"
    utf16.write_bytes(("WEBVTT\n\n" + text.split("\n", 1)[1]).encode("utf-16"))

    assert read_subtitle_file(latin)[0].text == "Café crème à la française, déjà vu"
    assert read_subtitle_file(utf16)[0].text == "Café crème à la française, déjà vu"


def test_read_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Cannot read subtitle file"):
        read_subtitle_file(tmp_path / "none.srt")
