"""Benchmark the render: a 60 s 720p montage of 12+ generated H.264 sources, narration, burned subtitles.

Measured in the same run, interleaved (each round runs every mode once, so all see the same load):
  * ``ours``: ``render_timeline`` as montage runs it (in parts, one ffmpeg process per CPU core, joined
    without re-encoding);
  * ``one_pass``: the same render in one ffmpeg pass (``RenderOptions(processes=1)``), the code before;
  * ``reencode``: plain ffmpeg re-encode of OUR output with the same encoder settings (libx264 veryfast
    CRF 23, AAC) — the floor for any render of this video (target: ours / reencode ≤ 1.25 in wall time);
  * ``moviepy`` (``--moviepy``, once): ``bench/moviepy_baseline.py`` making the same edit (target ≥ 3×).
Sources are 12 s lavfi patterns of mixed sizes and rates (1920×1080/25, 1280×720/30, 960×720/30), each
indexed as three 4 s shots. Prints one JSON object: wall and CPU seconds (user + system of the ffmpeg
processes) of every run, the 1-minute load average before each run, cores kept busy (CPU / wall), and
the ratios of the minimum (and median) times.

    python bench/bench_render.py --work /tmp/bench-render     # 4 rounds: ≈ 4 minutes on 2 idle cores
    python bench/bench_render.py --rounds 1 --skip-one-pass   # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import Any

from reencode_baseline import reencode_argv

from montage.options.render import RenderOptions
from montage.render.parts import part_edges
from montage.render.render_timeline import render_processes, render_timeline
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


def timed(action: Any) -> dict[str, float]:
    """Wall seconds of one call, CPU seconds (user + system) of the child processes it waited for, and
    the 1-minute load average just before it started."""
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    action()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "load_1m": round(load, 2)}


def summary(runs: list[dict[str, float]]) -> dict[str, Any]:
    """Every run, the minimum wall and CPU, and the cores kept busy (CPU / wall) of each run."""
    return {
        "runs": runs,
        "min_wall_s": min(run["wall_s"] for run in runs),
        "min_cpu_s": min(run["cpu_s"] for run in runs),
        "median_wall_s": round(statistics.median(run["wall_s"] for run in runs), 2),
        "cores_busy": [round(run["cpu_s"] / run["wall_s"], 2) for run in runs],
    }


def main() -> None:
    """Run the benchmark and print JSON."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--work", type=Path, default=None, help="keep sources and outputs here")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clips", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds of every mode")
    parser.add_argument("--skip-one-pass", action="store_true", help="do not time the one-pass render")
    parser.add_argument("--moviepy", action="store_true", help="also time the moviepy baseline (once)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-render-"))
    work.mkdir(parents=True, exist_ok=True)

    sources = make_sources(work, max(args.clips, 12))
    slots = make_narration(work, args.seconds)
    timeline = build(sources, slots, work)
    write_timeline_json(timeline, work / "timeline.json")
    ours_path, one_pass_path, reencoded = work / "ours.mp4", work / "one-pass.mp4", work / "reencode.mp4"
    options = RenderOptions(burn_subtitles=True, end_card=False)
    one_pass = options.model_copy(update={"processes": 1})
    reencode = reencode_argv(ours_path, reencoded, options)
    runs: dict[str, list[dict[str, float]]] = {"ours": [], "reencode": []}
    if not args.skip_one_pass:
        runs["one_pass"] = []
    for _ in range(args.rounds):  # interleaved, so every mode sees the same machine load
        runs["ours"].append(timed(lambda: render_timeline(timeline, ours_path, options)))
        runs["reencode"].append(timed(lambda: run(reencode)))
        if not args.skip_one_pass:
            runs["one_pass"].append(timed(lambda: render_timeline(timeline, one_pass_path, one_pass)))
    report: dict[str, Any] = {
        "video_s": round(timeline.duration_s, 3),
        "size": "1280x720",
        "segments": len(timeline.segments),
        "sources": len({s.shot.path for s in timeline.segments if s.shot}),
        "fallback_segments": sum(1 for s in timeline.segments if s.fallback),
        "sentences": len(slots),
        "cpus": os.cpu_count(),
        "parts": len(part_edges(timeline, options, render_processes(options))) - 1,
        "rounds": args.rounds,
        "load_average_1m_5m_15m_at_end": [round(x, 2) for x in os.getloadavg()],
    }
    report.update({mode: summary(times) for mode, times in runs.items()})
    ours, reencode = report["ours"], report["reencode"]
    report["ratio_vs_reencode_wall"] = round(ours["min_wall_s"] / reencode["min_wall_s"], 3)
    report["ratio_vs_reencode_cpu"] = round(ours["min_cpu_s"] / reencode["min_cpu_s"], 3)
    report["ratio_vs_reencode_median_wall"] = round(ours["median_wall_s"] / reencode["median_wall_s"], 3)
    if "one_pass" in report:
        one = report["one_pass"]
        report["one_pass_ratio_vs_reencode_wall"] = round(one["min_wall_s"] / reencode["min_wall_s"], 3)
        report["one_pass_ratio_vs_reencode_cpu"] = round(one["min_cpu_s"] / reencode["min_cpu_s"], 3)
        report["one_pass_ratio_vs_reencode_median_wall"] = round(
            one["median_wall_s"] / reencode["median_wall_s"], 3
        )
    report["target_ratio_vs_reencode_wall"] = 1.25
    if args.moviepy:
        baseline = Path(__file__).with_name("moviepy_baseline.py")
        command = [sys.executable, str(baseline), str(work / "timeline.json"), str(work / "moviepy.mp4")]
        outcome: dict[str, Any] = {}

        def run_moviepy() -> None:
            outcome["done"] = subprocess.run(command, capture_output=True, text=True, check=False)

        moviepy = timed(run_moviepy)
        done = outcome["done"]
        if done.returncode != 0:
            raise SystemExit(f"moviepy baseline failed:\n{done.stderr[-2000:]}")
        inner = json.loads(done.stdout.strip().splitlines()[-1])["seconds"]
        report.update(
            moviepy_inner_s=round(inner, 2),
            moviepy=moviepy,
            moviepy_over_ours_wall=round(moviepy["wall_s"] / ours["min_wall_s"], 2),
            moviepy_over_ours_cpu=round(moviepy["cpu_s"] / ours["min_cpu_s"], 2),
            target_moviepy_over_ours=3.0,
        )
    report["work_dir"] = str(work)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
