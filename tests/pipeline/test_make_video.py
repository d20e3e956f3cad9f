"""The whole pipeline on real generated footage: real TTS (espeak-ng), real ffmpeg render, ffprobe checks."""

from __future__ import annotations

import itertools
import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from montage.errors import InputError
from montage.pipeline.make import make_video
from montage.pipeline.types import MakeRequest
from montage.timeline.model import Timeline, timeline_json_schema
from tests.pipeline.conftest import IndexedLibrary

pytestmark = pytest.mark.slow

ARTICLE = """# Trade and industry

The harbour was full of container ships this week, and cranes worked through the night.

Farmers say the wheat harvest in the golden fields was the best in ten years.

In the factory, robots weld car bodies faster than ever.

At the street market, shoppers paid more for fruit and vegetables.
"""


def _ffprobe(path: Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def _srt_times(path: Path) -> list[tuple[float, float]]:
    def seconds(stamp: str) -> float:
        hms, ms = stamp.strip().split(",")
        h, m, s = hms.split(":")
        return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000

    return [
        (seconds(a), seconds(b))
        for line in path.read_text().splitlines()
        if "-->" in line
        for a, b in [line.split("-->")]
    ]


def test_article_to_video_end_to_end(indexed_library: IndexedLibrary, tmp_path: Path) -> None:
    lib = indexed_library
    settings = lib.settings.model_copy(deep=True)
    settings.render = settings.render.model_copy(update={"end_card": False})  # video = narration length
    result = make_video(
        MakeRequest(article=ARTICLE, kind="markdown", duration_s=30, burn_subtitles=True),
        settings=settings,
        db=lib.db,
        channels=lib.channels,
        out_dir=tmp_path / "out",
        name="trade",
    )
    outputs = result.outputs
    assert outputs.video is not None and outputs.video.name == "trade.mp4"
    for path in (outputs.video, outputs.srt, outputs.vtt, outputs.timeline, outputs.otio, outputs.poster):
        assert path is not None and path.is_file() and path.stat().st_size > 0
    timeline = json.loads(outputs.timeline.read_text())
    jsonschema.Draft202012Validator(timeline_json_schema()).validate(timeline)
    assert Timeline.from_json(timeline) == result.timeline
    probe = _ffprobe(outputs.video)
    codecs = sorted(s["codec_name"] for s in probe["streams"])
    assert codecs == ["aac", "h264"]
    video = next(s for s in probe["streams"] if s["codec_type"] == "video")
    assert (video["width"], video["height"]) == (1280, 720)
    narration_end = max(n["start_s"] + n["duration_s"] for n in timeline["narration"])
    assert abs(float(probe["format"]["duration"]) - timeline["duration_s"]) <= 1 / 30 + 0.03
    assert timeline["duration_s"] >= narration_end - 1e-3
    # Subtitles follow the narration sentences.
    cues = _srt_times(outputs.srt)
    starts = [round(n["start_s"], 2) for n in timeline["narration"]]
    assert round(cues[0][0], 2) == starts[0] and cues[-1][1] <= timeline["duration_s"] + 0.01
    # Shots: exact source frames never used twice; real shots carry their score parts; cards are marked.
    windows: dict[str, list[tuple[float, float]]] = {}
    for segment in timeline["segments"]:
        if segment["shot"]:
            windows.setdefault(segment["shot"]["path"], []).append(
                (segment["shot"]["in"], segment["shot"]["out"])
            )
    assert windows
    for used in windows.values():
        ordered = sorted(used)
        assert all(left[1] <= right[0] + 1e-6 for left, right in itertools.pairwise(ordered))
    for segment in timeline["segments"]:
        if segment["shot"]:
            assert segment["fallback"] is False
            assert {"text", "keyword", "quality"} <= set(segment["shot"]["scores"])
        else:
            assert segment["fallback"] is True and segment["fallback_text"]
    # The harbour sentence got the harbour footage.
    harbour = next(s for s in timeline["segments"] if "harbour" in s["sentence"] and s["shot"])
    assert harbour["shot"]["path"].endswith("harbour.mp4")
    assert any("visual channel unavailable" in w for w in result.warnings)


def test_dry_run_is_deterministic_and_renders_nothing(
    indexed_library: IndexedLibrary, tmp_path: Path
) -> None:
    lib = indexed_library
    runs = []
    for name in ("a", "b"):
        result = make_video(
            MakeRequest(article=ARTICLE, kind="markdown", duration_s=25, dry_run=True, aspect="9:16"),
            settings=lib.settings,
            db=lib.db,
            channels=lib.channels,
            out_dir=tmp_path,
            name=name,
        )
        assert result.outputs.video is None and not (tmp_path / f"{name}.mp4").exists()
        runs.append(json.loads(result.outputs.timeline.read_text()))
    assert runs[0] == runs[1]
    assert (runs[0]["width"], runs[0]["height"]) == (720, 1280)


@pytest.mark.parametrize(
    ("article", "kind", "code"),
    [
        ("", "auto", "article_empty"),
        ("   \n\t  ", "auto", None),
        ("word " * 1_200_000, "text", None),
        ("\x00\x01\x02binary\x00junk" * 100, "auto", None),
        (
            "Ceci est un article en français sur la politique et le commerce des villes européennes.",
            "text",
            None,
        ),
        ("http://127.0.0.1:9/article", "url", None),
        ("http://169.254.169.254/latest/meta-data", "url", None),
    ],
)
def test_bad_input_is_a_clear_error_and_leaves_nothing(
    indexed_library: IndexedLibrary, tmp_path: Path, article: str, kind: str, code: str | None
) -> None:
    lib = indexed_library
    out = tmp_path / "out"
    with pytest.raises(InputError) as caught:
        make_video(
            MakeRequest(article=article, kind=kind),  # type: ignore[arg-type]
            settings=lib.settings,
            db=lib.db,
            channels=lib.channels,
            out_dir=out,
            name="bad",
        )
    assert caught.value.message
    if code:
        assert caught.value.code == code
    assert not out.exists() or list(out.iterdir()) == []
