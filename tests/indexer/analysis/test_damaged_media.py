"""Damaged files: keep what decodes and say so, or refuse with a clear code when nothing can be used."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.analysis_types import AnalysisOptions
from indexer.analyze import analyze_video
from montage.errors import MediaError
from montage.media.probe import probe
from tests.indexer.analysis.conftest import damage, ffmpeg


def test_truncated_file_with_index_at_front_is_partial(tmp_path: Path, faststart_clip: Path) -> None:
    info = probe(faststart_clip)
    data = faststart_clip.read_bytes()
    path = tmp_path / "half.mp4"
    path.write_bytes(data[: len(data) // 2])
    analysis = analyze_video(path, info, AnalysisOptions())
    assert analysis.partial
    assert analysis.partial_reason is not None and "6.00 s" in analysis.partial_reason
    assert 25 <= analysis.frames_decoded < 150
    assert analysis.shots and analysis.shots[-1].end_s < 5.0
    # The intact file is not partial.
    whole = analyze_video(faststart_clip, info, AnalysisOptions())
    assert not whole.partial and whole.partial_reason is None and whole.frames_decoded == 150


@pytest.mark.parametrize("container", ["ts", "mp4"])
def test_junk_in_the_middle_keeps_the_rest(tmp_path: Path, faststart_clip: Path, container: str) -> None:
    source = faststart_clip
    if container == "ts":
        source = tmp_path / "clip.ts"
        ffmpeg("-i", str(faststart_clip), "-c", "copy", str(source))
    path = damage(source, tmp_path / f"damaged.{container}", seed=7)
    analysis = analyze_video(path, probe(path), AnalysisOptions())
    assert analysis.partial
    assert analysis.decode_errors > 0
    assert analysis.partial_reason is not None
    assert 100 <= analysis.frames_decoded <= 150
    assert analysis.shots[-1].end_s > 5.0  # frames after the damage were decoded too
    assert all(shot.keyframe is not None for shot in analysis.shots)


def test_nothing_decodable_is_an_error(tmp_path: Path, faststart_clip: Path) -> None:
    info = probe(faststart_clip)
    data = bytearray(faststart_clip.read_bytes())
    header = data.find(b"mdat") + 4
    data[header:] = bytes(len(data) - header)  # keep the index, zero every sample
    path = tmp_path / "zeroed.mp4"
    path.write_bytes(bytes(data))
    with pytest.raises(MediaError) as error:
        analyze_video(path, info, AnalysisOptions())
    assert error.value.code == "corrupt_media"


def test_missing_file_cannot_be_decoded(tmp_path: Path, faststart_clip: Path) -> None:
    info = probe(faststart_clip)
    with pytest.raises(MediaError) as error:
        analyze_video(tmp_path / "gone.mp4", info, AnalysisOptions())
    assert error.value.code == "corrupt_media"
