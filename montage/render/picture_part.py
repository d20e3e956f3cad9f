"""The picture of a run of consecutive segments as filter chains: the whole video, or one part of it.

A part of the video rendered on its own (see :mod:`montage.render.parts`) must come out frame for frame as
it would inside the whole: it shows exactly its segments' frames, burns the subtitles at the part's place on
the output clock, and, with cross-dissolves, starts with the dissolve from the segment before it (that
segment is read again and only its last ``crossfade`` frames are kept).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from montage.fallback.fonts import font_for_text
from montage.fallback.protocol import FallbackGenerator, InlineFallbackGenerator
from montage.options.render import RenderOptions
from montage.render.end_card import end_card_source
from montage.render.graph import Chain, Filter, Input, f
from montage.render.picture import join_chains, segment_chain
from montage.timeline.model import Timeline

SEEK_SLACK_FRAMES = 2
"""Extra source frames read after a shot's last needed frame, so rounding never starves the trim."""


@dataclass(frozen=True)
class PregeneratedCard:
    """A fallback clip to generate before the render (generators that cannot run inside ffmpeg)."""

    segment_index: int
    text: str
    duration_s: float
    path: Path


@dataclass(frozen=True)
class PicturePart:
    """Chains producing ``label``: ``frames`` frames of the output picture starting at ``first_frame``."""

    chains: tuple[Chain, ...]
    label: str
    first_frame: int
    frames: int


def subtitle_style(width: int, height: int, ratio: float) -> str:
    """libass ``force_style`` for SRT (script height 288): white text, dark outline, bottom centre."""
    scale = 288 / height
    size = max(6, round(ratio * min(width, height) * scale))
    margin = round(0.06 * height * scale)
    return (
        f"FontName=DejaVu Sans,FontSize={size},PrimaryColour=&H00FFFFFF,OutlineColour=&H80000000,"
        f"BorderStyle=1,Outline=1.5,Shadow=0,Alignment=2,MarginV={margin}"
    )


@dataclass
class PictureBuilder:
    """Builds the picture chains of segment ranges of one timeline (inputs go into the caller's list).

    ``frames`` are the segments' frames on the output grid; ``fade_frames`` the cross-dissolve length
    (0 = hard cuts). Cards that must be made before the render collect in ``pregenerated``.
    """

    timeline: Timeline
    options: RenderOptions
    frames: list[int]
    fade_frames: int
    width: int
    height: int
    work_dir: Path
    fallback: FallbackGenerator
    subtitles_path: Path | None = None
    pregenerated: list[PregeneratedCard] = field(default_factory=list)

    def _segment_input(self, position: int, length: float) -> tuple[Input, bool, float]:
        """The input showing segment ``position`` for ``length`` seconds; whether it needs fitting; speed.

        A card is always drawn as long as in the one-pass render (the segment plus its dissolve into the
        next), since its animation follows its length; the segment's chain keeps the frames it needs.
        """
        fps = self.options.fps
        segment = self.timeline.segments[position]
        if segment.shot is not None:
            source_read = f"{length * segment.shot.speed + SEEK_SLACK_FRAMES / fps:.6f}"
            options = ("-ss", f"{segment.shot.in_s:.6f}", "-t", source_read)
            return Input(segment.shot.path, options), True, segment.shot.speed
        last = position == len(self.frames) - 1
        full = (self.frames[position] + (0 if last else self.fade_frames)) / fps
        read = f"{full + SEEK_SLACK_FRAMES / fps:.6f}"
        text = segment.fallback_text or segment.sentence
        if isinstance(self.fallback, InlineFallbackGenerator):
            cards = self.work_dir / "cards"
            source = self.fallback.lavfi_source(text, full, self.width, self.height, fps, cards)
            return Input(source, ("-f", "lavfi", "-t", read)), False, 1.0
        path = self.work_dir / f"card-{segment.index}.mp4"
        if all(card.path != path for card in self.pregenerated):
            self.pregenerated.append(PregeneratedCard(segment.index, text, full, path))
        return Input(str(path), ("-t", read)), True, 1.0

    def _segment(self, position: int, frames: int, label: str, inputs: list[Input]) -> Chain:
        source, fits, speed = self._segment_input(position, frames / self.options.fps)
        inputs.append(source)
        return segment_chain(
            f"{len(inputs) - 1}:v",
            label,
            frames=frames,
            width=self.width,
            height=self.height,
            fps=self.options.fps,
            fit=self.options.fit if fits else None,
            speed=speed,
        )

    def part(self, start: int, stop: int, inputs: list[Input], *, end_card: bool) -> PicturePart:
        """Segments ``start`` ≤ i < ``stop`` (then the end card if ``end_card``), inputs appended to
        ``inputs``."""
        fps = self.options.fps
        chains: list[Chain] = []
        labels: list[str] = []
        join_frames: list[int] = []
        if start > 0 and self.fade_frames > 0:  # the dissolve from the segment before this part
            own = self.frames[start - 1]
            read = self._segment(start - 1, own + self.fade_frames, "lead_read", inputs)
            keep = (f("trim", start_frame=own), f("setpts", expr="PTS-STARTPTS"))
            chains += [read, Chain(("lead_read",), keep, ("lead",))]
            labels.append("lead")
            join_frames.append(0)
        for position in range(start, stop):
            extra = self.fade_frames if position < stop - 1 else 0
            label = f"v{position}"
            chains.append(self._segment(position, self.frames[position] + extra, label, inputs))
            labels.append(label)
            join_frames.append(self.frames[position])
        if len(labels) == 1 and self.fade_frames > 0:
            # a part of one segment has no dissolve; ffmpeg's xfade works in yuv444p, so pass through
            # it as well, or this part's colours would differ slightly from the dissolving parts' colours
            chains.append(Chain((labels[0],), (f("format", pix_fmts="yuv444p"),), ("picture",)))
        else:
            chains += join_chains(labels, join_frames, fps, self.fade_frames, "picture")
        picture = "picture"
        first_frame = sum(self.frames[:start])
        count = sum(self.frames[start:stop])
        if self.subtitles_path is not None:
            chains.append(Chain((picture,), self._burn(first_frame), ("picture_subtitled",)))
            picture = "picture_subtitled"
        if end_card:
            end_frames = max(1, round(self.options.end_card_s * fps))
            source = end_card_source(
                self.timeline.credits,
                width=self.width,
                height=self.height,
                fps=fps,
                duration_s=(end_frames + SEEK_SLACK_FRAMES) / fps,
                color=self.options.end_card_color,
                work_dir=self.work_dir / "end-card",
            )
            inputs.append(Input(source, ("-f", "lavfi")))
            chains.append(
                segment_chain(
                    f"{len(inputs) - 1}:v",
                    "end_card",
                    frames=end_frames,
                    width=self.width,
                    height=self.height,
                    fps=fps,
                    fit=None,
                )
            )
            chains.append(Chain((picture, "end_card"), (f("concat", n=2, v=1, a=0),), ("picture_final",)))
            picture = "picture_final"
            count += end_frames
        return PicturePart(tuple(chains), picture, first_frame, count)

    def _burn(self, first_frame: int) -> tuple[Filter, ...]:
        """Burn the subtitles; a part that starts later is shifted to its place on the output clock first."""
        assert self.subtitles_path is not None
        font = font_for_text(" ".join(s.sentence for s in self.timeline.segments[:3]))
        style = subtitle_style(self.width, self.height, self.options.subtitle_font_ratio)
        burn = f("subtitles", filename=str(self.subtitles_path), fontsdir=str(font.parent), force_style=style)
        if first_frame == 0:
            return (burn,)
        offset = f"{first_frame}/{self.options.fps:g}"
        return (
            f("setpts", expr=f"PTS+({offset})/TB"),
            burn,
            f("setpts", expr="PTS-STARTPTS"),
        )
