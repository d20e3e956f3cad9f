"""Baseline for bench_render.py: the same edit made with moviepy 2 (the usual Python way).

Reads a montage timeline JSON, cuts each segment with ``subclipped``, fills the frame (resize + centre
crop), joins with ``concatenate_videoclips``, draws the subtitles as ``TextClip``s, places the narration with
``CompositeAudioClip`` and writes with ``write_videofile`` using the same encoder settings as montage
(libx264 veryfast CRF 23, yuv420p, AAC 160k, faststart). Prints JSON: {"seconds": ..., "output": ...}.

    python bench/moviepy_baseline.py TIMELINE.json OUT.mp4
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from moviepy import (
    AudioFileClip,
    CompositeAudioClip,
    CompositeVideoClip,
    TextClip,
    VideoFileClip,
    concatenate_videoclips,
)

from montage.fallback.fonts import font_for_text
from montage.timeline.json_io import read_timeline_json
from montage.timeline.subtitles import cues_for_timeline


def _filled(clip: VideoFileClip, width: int, height: int) -> VideoFileClip:
    scale = max(width / clip.w, height / clip.h)
    resized = clip.resized(new_size=(round(clip.w * scale), round(clip.h * scale)))
    return resized.cropped(x_center=resized.w / 2, y_center=resized.h / 2, width=width, height=height)


def make_video(timeline_path: Path, out_path: Path) -> float:
    """Render the timeline with moviepy; returns the seconds it took (loading included)."""
    started = time.perf_counter()
    timeline = read_timeline_json(timeline_path)
    width, height, fps = timeline.width, timeline.height, timeline.fps
    sources: dict[str, VideoFileClip] = {}
    pieces = []
    for segment in timeline.segments:
        if segment.shot is None:
            raise SystemExit("the baseline handles footage segments only")
        path = segment.shot.path
        if path not in sources:
            sources[path] = VideoFileClip(path, audio=False)
        piece = sources[path].subclipped(segment.shot.in_s, segment.shot.in_s + segment.duration_s)
        pieces.append(_filled(piece, width, height).with_duration(segment.duration_s))
    video = concatenate_videoclips(pieces, method="chain")
    font = str(font_for_text(timeline.segments[0].sentence))
    size = round(0.055 * min(width, height))
    subtitles = []
    for cue in cues_for_timeline(timeline):
        text = TextClip(
            font=font,
            text="\n".join(cue.lines),
            font_size=size,
            color="white",
            stroke_color="black",
            stroke_width=2,
            text_align="center",
        )
        bottom = height - round(0.06 * height) - text.h
        subtitles.append(
            text.with_start(cue.start_s)
            .with_duration(cue.end_s - cue.start_s)
            .with_position(("center", bottom))
        )
    picture = CompositeVideoClip([video, *subtitles], size=(width, height))
    voices = [AudioFileClip(n.path).with_start(n.start_s) for n in timeline.narration]
    sound = CompositeAudioClip(voices).with_duration(timeline.duration_s)
    final = picture.with_audio(sound).with_duration(timeline.duration_s)
    final.write_videofile(
        str(out_path),
        fps=fps,
        codec="libx264",
        preset="veryfast",
        audio_codec="aac",
        audio_bitrate="160k",
        audio_fps=48000,
        ffmpeg_params=["-crf", "23", "-pix_fmt", "yuv420p", "-movflags", "+faststart"],
        logger=None,
    )
    for clip in sources.values():
        clip.close()
    return time.perf_counter() - started


def main() -> None:
    """Command line: TIMELINE.json OUT.mp4."""
    timeline_path, out_path = Path(sys.argv[1]), Path(sys.argv[2])
    seconds = make_video(timeline_path, out_path)
    print(json.dumps({"seconds": round(seconds, 3), "output": str(out_path)}))


if __name__ == "__main__":
    main()
