"""Benchmark the render: a 60 s 720p montage of 12+ generated H.264 sources, narration, burned subtitles.

Baselines measured in the same run:
  * ``reencode``: plain ffmpeg re-encode of OUR output with the same encoder settings (libx264 veryfast
    CRF 23, AAC) — the floor for any one-pass render of this video (target: ours / reencode ≤ 1.25);
  * ``moviepy``: ``bench/moviepy_baseline.py`` making the same edit with moviepy 2 (target: ≥ 3× slower).
Sources are 12 s lavfi patterns of mixed sizes and rates (1920×1080/25, 1280×720/30, 960×720/30), each
indexed as three 4 s shots. Prints one JSON object.

    python bench/bench_render.py                    # ≈ 10 minutes on 2 cores (moviepy is the slow part)

Wall and CPU seconds (user + system of the ffmpeg/moviepy processes) are both reported: on a loaded,
shared machine the CPU time is the steadier measure.
    python bench/bench_render.py --skip-moviepy --repeat 1
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import Any

from montage.options.render import RenderOptions
from montage.render.render_timeline import render_timeline
from montage.timeline.align import align
from montage.timeline.assemble import build_timeline, narration_clips
from montage.timeline.json_io import write_timeline_json
from montage.timeline.model import Timeline
from montage.timeline.plan_inputs import CandidateShot, Slot

PATTERNS = (
    ("testsrc2", "1920x1080", 25),
    ("smptehdbars", "1280x720", 30),
    ("mandelbrot", "960x720", 30),
    ("rgbtestsrc", "1920x1080", 25),
    ("cellauto=rule=30", "1280x720", 30),
    ("life=mold=10:ratio=0.1", "960x720", 30),
    ("testsrc", "1920x1080", 25),
    ("gradients=speed=0.05", "1280x720", 30),
    ("yuvtestsrc", "960x720", 30),
    ("mandelbrot=start_scale=1", "1920x1080", 25),
    ("testsrc2=alpha=128", "1280x720", 30),
    ("smptebars", "960x720", 30),
)
SENTENCES = (
    "London sits on a tidal river, and storm surges from the North Sea can push water far upstream.",
    "In nineteen fifty three a surge killed more than three hundred people along the English east coast.",
    "Engineers spent the next decades designing a barrier that could close across the Thames in hours.",
    "The Thames Barrier opened in nineteen eighty two, with ten steel gates spanning five hundred metres.",
    "Each of the largest gates weighs more than three thousand tonnes and rotates up from the river bed.",
    "When the gates are open, ships pass freely between the piers that hold the machinery.",
    "The barrier has now been closed more than two hundred times to protect the city.",
    "Closures have become more frequent as sea levels rise and winter storms grow stronger.",
    "Planners expect the current barrier to be good until around the year twenty seventy.",
    "After that, London will need either a new barrier or a very different approach to flood risk.",
    "Options include a larger barrier further downstream and raising thousands of river walls.",
    "Every choice will cost billions and take decades to build, so work on the decision has started now.",
    "For the people who live along the river, the gates remain a quiet promise of safety.",
    "Visitors can still watch the great gates being tested once a month from the riverside park.",
)
ENCODER = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"]
AUDIO = ["-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-ac", "2", "-movflags", "+faststart"]


def run(args: list[str]) -> None:
    """Run a command; exit with its stderr when it fails."""
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{args[0]} failed:\n{done.stderr[-2000:]}")


def make_sources(folder: Path, count: int) -> list[tuple[Path, float]]:
    """``count`` 12 s H.264 clips (mixed sizes and rates); returns (path, fps)."""
    sources = []
    for i in range(count):
        pattern, size, fps = PATTERNS[i % len(PATTERNS)]
        path = folder / f"source-{i:02d}.mp4"
        if not path.exists():
            joiner = ":" if "=" in pattern else "="
            lavfi = f"{pattern}{joiner}size={size}:rate={fps}"
            encode = ["-vf", "format=yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-g", str(2 * fps)]
            run(
                [
                    "ffmpeg",
                    "-nostdin",
                    "-v",
                    "error",
                    "-y",
                    "-f",
                    "lavfi",
                    "-t",
                    "12",
                    "-i",
                    lavfi,
                    *encode,
                    str(path),
                ]
            )
        sources.append((path, float(fps)))
    return sources


def wav_seconds(path: Path) -> float:
    """Duration of a WAV file."""
    with wave.open(str(path)) as handle:
        return float(handle.getnframes()) / float(handle.getframerate())


def make_narration(folder: Path, target_s: float) -> list[Slot]:
    """espeak-ng sentences back to back (0.25 s pauses) until ``target_s`` is reached; WAVs in ``folder``."""
    slots: list[Slot] = []
    start = 0.0
    for i, text in enumerate(SENTENCES * 3):
        path = folder / f"sentence-{i:02d}.wav"
        if not path.exists():
            run(["espeak-ng", "-w", str(path), text])
        duration = wav_seconds(path)
        slots.append(Slot(i, text, round(start, 6), duration, 0.3 + 0.6 * ((i * 7) % 10) / 10))
        start += duration + 0.25
        if start >= target_s:
            break
    return slots


def build(sources: list[tuple[Path, float]], slots: list[Slot], folder: Path) -> Timeline:
    """Every source split into three 4 s shots; every shot a candidate for every sentence."""
    candidates: dict[int, list[CandidateShot]] = {}
    for slot in slots:
        listed = []
        for s, (path, fps) in enumerate(sources):
            for k in range(3):
                shot_id = 10 * s + k
                score = 0.4 + 0.5 * (((shot_id * 37 + slot.sentence_index * 11) % 100) / 100)
                listed.append(
                    CandidateShot(
                        shot_id,
                        s,
                        str(path),
                        4.0 * k,
                        4.0 * k + 4.0,
                        round(score, 3),
                        {"text": round(score, 3)},
                        (4.0, 8.0),
                        "CC0-1.0",
                        f"Bench pattern {s}",
                        fps,
                    )
                )
        candidates[slot.sentence_index] = listed
    audio = {slot.sentence_index: str(folder / f"sentence-{slot.sentence_index:02d}.wav") for slot in slots}
    alignment = align(slots, candidates)
    return build_timeline(
        alignment, narration_clips(slots, audio), width=1280, height=720, fps=30, aspect="16:9"
    )


def timed(action: Any) -> tuple[float, float]:
    """Wall seconds of one call, and CPU seconds (user + system) of the child processes it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    action()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main() -> None:
    """Run the benchmark and print JSON."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--work", type=Path, default=None, help="keep sources and outputs here")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clips", type=int, default=12)
    parser.add_argument(
        "--repeat", type=int, default=2, help="runs of ours and of the re-encode (min is kept)"
    )
    parser.add_argument("--skip-moviepy", action="store_true")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-render-"))
    work.mkdir(parents=True, exist_ok=True)

    sources = make_sources(work, max(args.clips, 12))
    slots = make_narration(work, args.seconds)
    timeline = build(sources, slots, work)
    write_timeline_json(timeline, work / "timeline.json")
    ours_path, reencoded = work / "ours.mp4", work / "reencode.mp4"
    options = RenderOptions(burn_subtitles=True, end_card=False)

    ours: list[tuple[float, float]] = []
    reencode: list[tuple[float, float]] = []
    for _ in range(args.repeat):  # interleaved, so both see the same machine load
        ours.append(timed(lambda: render_timeline(timeline, ours_path, options)))
        argv = [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-i",
            str(ours_path),
            *ENCODER,
            *AUDIO,
            str(reencoded),
        ]
        reencode.append(timed(lambda argv=argv: run(argv)))
    ours_wall, ours_cpu = min(t[0] for t in ours), min(t[1] for t in ours)
    re_wall, re_cpu = min(t[0] for t in reencode), min(t[1] for t in reencode)

    report: dict[str, Any] = {
        "video_s": round(timeline.duration_s, 3),
        "size": "1280x720",
        "segments": len(timeline.segments),
        "sources": len({s.shot.path for s in timeline.segments if s.shot}),
        "fallback_segments": sum(1 for s in timeline.segments if s.fallback),
        "sentences": len(slots),
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "ours_wall_s": [round(t[0], 2) for t in ours],
        "ours_cpu_s": [round(t[1], 2) for t in ours],
        "reencode_wall_s": [round(t[0], 2) for t in reencode],
        "reencode_cpu_s": [round(t[1], 2) for t in reencode],
        "ratio_vs_reencode_wall": round(ours_wall / re_wall, 3),
        "ratio_vs_reencode_cpu": round(ours_cpu / re_cpu, 3),
        "target_ratio_vs_reencode": 1.25,
    }
    if not args.skip_moviepy:
        baseline = Path(__file__).with_name("moviepy_baseline.py")
        command = [sys.executable, str(baseline), str(work / "timeline.json"), str(work / "moviepy.mp4")]
        outcome: dict[str, Any] = {}

        def run_moviepy() -> None:
            outcome["done"] = subprocess.run(command, capture_output=True, text=True, check=False)

        wall, cpu = timed(run_moviepy)
        done = outcome["done"]
        if done.returncode != 0:
            raise SystemExit(f"moviepy baseline failed:\n{done.stderr[-2000:]}")
        inner = json.loads(done.stdout.strip().splitlines()[-1])["seconds"]
        report.update(
            moviepy_inner_s=round(inner, 2),
            moviepy_wall_s=round(wall, 2),
            moviepy_cpu_s=round(cpu, 2),
            moviepy_over_ours_wall=round(wall / ours_wall, 2),
            moviepy_over_ours_cpu=round(cpu / ours_cpu, 2),
            target_moviepy_over_ours=3.0,
        )
    report["work_dir"] = str(work)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
