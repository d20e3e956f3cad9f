"""Fallback generators: the title card, a file-only generator, and the optional diffusers generator."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from montage.errors import InputError, ModelUnavailableError
from montage.fallback.diffusers_generator import DiffusersGenerator
from montage.fallback.fonts import font_for_text, has_cjk_font
from montage.fallback.select import fallback_generator
from montage.fallback.title_card import TitleCardGenerator
from montage.options.fallback import FallbackOptions
from montage.options.render import RenderOptions
from montage.render.render_timeline import render_timeline

from .media import black_and_frozen, duration_of, frame_rgb, make_tone, probe
from .single_shot import one_shot_timeline


def test_title_card_has_size_length_and_visible_text(tmp_path: Path) -> None:
    out = TitleCardGenerator().generate("Flood barriers close", 2.0, 320, 180, 30, tmp_path / "card.mp4")
    video = next(s for s in probe(out)["streams"] if s["codec_type"] == "video")
    assert (video["width"], video["height"], int(video["nb_frames"])) == (320, 180, 60)
    assert abs(duration_of(out) - 2.0) < 0.04
    assert [p.name for p in tmp_path.iterdir()] == ["card.mp4"]  # no helper files left beside it
    middle = frame_rgb(out, 1.0)
    bright = middle.min(axis=2) > 200  # near-white text on a blue-grey gradient
    rows, cols = np.nonzero(bright)
    assert bright.sum() > 100
    assert 50 < rows.mean() < 130 and 100 < cols.mean() < 220  # centred
    assert middle[5:20, 5:40].astype(float).mean() < 120  # the background is dark-ish, not white
    first = frame_rgb(out, 0.0)
    assert (first.min(axis=2) > 200).sum() < bright.sum() / 10  # the phrase fades in...
    assert first.astype(float).mean() > 30  # ...over the gradient, not from black
    assert black_and_frozen(out, freeze_s=0.5) == ([], [])


def test_a_mixed_chinese_and_latin_phrase_is_drawn_with_a_cjk_font() -> None:
    if not has_cjk_font():
        pytest.skip("no CJK font installed (fonts-noto-cjk)")
    assert font_for_text("停车场 parking lot") == font_for_text("停车场")
    assert font_for_text("Flood barriers close") != font_for_text("停车场")


def test_title_card_with_chinese_text_still_renders(tmp_path: Path) -> None:
    out = TitleCardGenerator().generate("武汉防汛", 1.0, 160, 90, 10, tmp_path / "zh.mp4")
    assert out.is_file()


class FileOnlyCards:
    """A generator that can only write files (like a model would), here backed by the title card."""

    def generate(
        self, text: str, duration_s: float, width: int, height: int, fps: float, out_path: Path
    ) -> Path:
        return TitleCardGenerator().generate(text, duration_s, width, height, fps, out_path)


def test_file_only_generators_are_made_before_the_render(tmp_path: Path) -> None:
    voice = make_tone(tmp_path / "v.wav", frequency=200, seconds=1.0)
    out = tmp_path / "card-video.mp4"
    result = render_timeline(
        one_shot_timeline(None, voice, 1.5),
        out,
        RenderOptions(width=320, height=180, end_card=False),
        fallback=FileOnlyCards(),
    )
    assert result.fallback_segments == 1
    assert abs(duration_of(out) - 1.5) <= 1 / 30
    assert frame_rgb(out, 0.75).min(axis=2).max() > 200  # the card's text is in the video


def test_diffusers_generator_reports_what_is_missing(tmp_path: Path) -> None:
    generator = DiffusersGenerator(tmp_path / "no-model")
    with pytest.raises(ModelUnavailableError):
        generator.generate("a river", 1.0, 64, 64, 8, tmp_path / "x.mp4")
    assert not (tmp_path / "x.mp4").exists()
    with pytest.raises(InputError, match="diffusers_model_path"):
        fallback_generator(FallbackOptions(generator="diffusers"))
    assert isinstance(fallback_generator(FallbackOptions()), TitleCardGenerator)


@pytest.mark.slow
def test_diffusers_generator_runs_a_local_pipeline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("diffusers", reason="diffusers is optional and not installed")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from .tiny_text_to_video import build_tiny_pipeline

    generator = DiffusersGenerator(build_tiny_pipeline(tmp_path), steps=2, frames=4)
    frames = generator.render_frames("a river in flood")
    assert frames.shape[0] == 4 and frames.shape[-1] == 3 and frames.dtype == np.uint8
    out = generator.generate("a river in flood", 1.5, 160, 90, 10, tmp_path / "generated.mp4")
    video = next(s for s in probe(out)["streams"] if s["codec_type"] == "video")
    assert (video["width"], video["height"], int(video["nb_frames"])) == (160, 90, 15)
    assert abs(duration_of(out) - 1.5) < 0.11
