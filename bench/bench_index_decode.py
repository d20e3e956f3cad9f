"""Benchmark the one-pass video analysis against a plain ffmpeg decode of the same files; prints JSON.

For every file the baseline ``ffmpeg -threads 2 -i FILE -f null -`` (decode only, same thread count as the
analysis) is timed right before ``analyze_video`` (decode + downscale + cut detection + measures +
keyframes + pHash). ``ratio`` = baseline seconds / analysis seconds (1.0 = as fast as decoding alone; the
target is ≥ 0.7). Optionally a ViT-B-32-sized open_clip image encoder with random weights (no download)
embeds the keyframes in batches of 32 on 2 torch threads, reported separately and combined.

Footage: 10 minutes of generated 720p30 H.264 (segments of 1.5-7.5 s from different lavfi sources with
light noise, so every joint is a known hard cut; cached between runs), plus every video file under
../shared/footage when present. Cut accuracy on the generated footage counts detected shot starts within
±1 frame of a true joint (no segment exceeds ``max_shot_s``, so there are no sub-shot splits).

    .venv/bin/python bench/bench_index_decode.py --repeat 2        # ~10 min (+ 10-15 min once to generate)
    .venv/bin/python bench/bench_index_decode.py --minutes 1 --no-clip --no-shared
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from indexer.analysis_types import AnalysisOptions, VideoAnalysis
from indexer.analyze import analyze_video
from montage.media.probe import probe

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_FOOTAGE = (REPO_ROOT / ".." / "shared" / "footage").resolve()
VIDEO_SUFFIXES = {".mp4", ".mkv", ".mov", ".avi", ".webm", ".m4v", ".ts", ".mpg"}
FPS = 30
GENERATOR_VERSION = 2
SOURCES = [
    "testsrc2=size=1280x720:rate=30",
    "testsrc=size=1280x720:rate=30",
    "gradients=size=1280x720:rate=30:speed=0.03:n=4:seed={seed}",
    "sierpinski=size=1280x720:rate=30:seed={seed}",
    "mandelbrot=size=320x180:rate=30:start_scale={scale},scale=1280:720",
    "colorspectrum=size=1280x720:rate=30:type=all,scroll=h=0.003",
    "smptehdbars=size=1280x720:rate=30,scroll=h=0.002:v=0.001",
    "rgbtestsrc=size=1280x720:rate=30,scroll=h=0.002",
    "yuvtestsrc=size=1280x720:rate=30,scroll=v=0.002",
]
"""Moving lavfi patterns. Cellular automata (life, cellauto) were dropped: x264 at CRF 23 makes their
binary texture pump visibly at every I-frame, which the detector rightly calls a cut."""


def run(command: list[str]) -> None:
    """Run a command, raising with its stderr when it fails."""
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{command[:4]}... failed: {result.stderr[-800:]}")


def segment_lengths(total: int, rng: random.Random) -> list[int]:
    """Split ``total`` frames into segments of 45-225 frames (1.5-7.5 s at 30 fps)."""
    lengths: list[int] = []
    remaining = total
    while remaining >= 270:
        lengths.append(rng.randint(45, 225))
        remaining -= lengths[-1]
    lengths += [remaining] if remaining <= 225 else [remaining // 2, remaining - remaining // 2]
    return lengths


def generate_footage(cache_dir: Path, minutes: float, seed: int) -> tuple[Path, list[int]]:
    """Write (or reuse) ``minutes`` of 720p30 H.264 made of segments with known joints; return path, cuts."""
    key = f"v{GENERATOR_VERSION}-{minutes:g}min-seed{seed}"
    target = cache_dir / f"generated-{key}.mp4"
    cuts_file = target.with_suffix(".cuts.json")
    if target.is_file() and cuts_file.is_file():
        return target, json.loads(cuts_file.read_text())["cuts"]
    rng = random.Random(seed)
    total = int(minutes * 60 * FPS)
    work = Path(tempfile.mkdtemp(prefix="segments-", dir=cache_dir))
    lengths: list[int] = []
    previous = -1
    for frames in segment_lengths(total, rng):
        choice = rng.choice([i for i in range(len(SOURCES)) if i != previous])
        previous = choice
        source = SOURCES[choice].format(seed=rng.randint(1, 10**6), scale=rng.uniform(1.0, 3.0))
        hue = rng.randint(0, 359)
        segment = work / f"{len(lengths):04d}.mp4"
        run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
             f"{source},hue=h={hue},noise=alls=4:allf=t,format=yuv420p", "-frames:v", str(frames),
             "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", "60", str(segment)])  # fmt: skip
        lengths.append(frames)
        print(f"generated segment {len(lengths)} ({sum(lengths)}/{total} frames)", file=sys.stderr)
    listing = work / "list.txt"
    listing.write_text("".join(f"file '{work / f'{i:04d}.mp4'}'\n" for i in range(len(lengths))))
    run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing),
         "-c", "copy", "-movflags", "+faststart", str(target)])  # fmt: skip
    cuts = [sum(lengths[:i]) for i in range(1, len(lengths))]
    cuts_file.write_text(json.dumps({"cuts": cuts, "frames": total, "fps": FPS}))
    for path in work.iterdir():
        path.unlink()
    work.rmdir()
    return target, cuts


def time_ffmpeg_decode(path: Path) -> float:
    """Seconds for ``ffmpeg -threads 2 -i path -f null -`` (decode only)."""
    started = time.perf_counter()
    run(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            "-threads",
            "2",
            "-i",
            str(path),
            "-map",
            "0:v:0",
            "-f",
            "null",
            "-",
        ]
    )
    return time.perf_counter() - started


def time_analysis(path: Path) -> tuple[float, VideoAnalysis]:
    """Seconds for probe + ``analyze_video`` with default options, and the analysis."""
    started = time.perf_counter()
    analysis = analyze_video(path, probe(path), AnalysisOptions())
    return time.perf_counter() - started, analysis


class ClipEncoder:
    """A ViT-B-32 open_clip image tower with random weights: the cost of real CLIP without a download."""

    def __init__(self) -> None:
        import open_clip
        import torch

        torch.set_num_threads(2)
        self._torch = torch
        model, _, preprocess = open_clip.create_model_and_transforms("ViT-B-32", pretrained=None)
        self._model = model.eval()
        self._preprocess = preprocess
        with torch.inference_mode():  # first call allocates and picks kernels: keep it out of the timing
            self._model.encode_image(torch.zeros((2, 3, 224, 224)))

    def seconds_for(self, analysis: VideoAnalysis, batch: int = 32) -> tuple[float, int]:
        """Embed every keyframe of ``analysis``; return seconds and the number of images."""
        images = [shot.keyframe for shot in analysis.shots if shot.keyframe is not None]
        started = time.perf_counter()
        with self._torch.inference_mode():
            for start in range(0, len(images), batch):
                pixels = self._torch.stack(
                    [self._preprocess(image) for image in images[start : start + batch]]
                )
                self._model.encode_image(pixels)
        return time.perf_counter() - started, len(images)


def cut_accuracy(true_cuts: list[int], analysis: VideoAnalysis) -> dict[str, Any]:
    """Precision/recall of detected shot starts against the true joints (±1 frame)."""
    found = [shot.start_frame for shot in analysis.shots[1:]]
    matched = [cut for cut in true_cuts if any(abs(cut - f) <= 1 for f in found)]
    false = [f for f in found if not any(abs(cut - f) <= 1 for cut in true_cuts)]
    offsets = [min(abs(cut - f) for f in found) for cut in matched]
    return {
        "true_cuts": len(true_cuts),
        "detected": len(found),
        "matched": len(matched),
        "missed": sorted(set(true_cuts) - set(matched))[:20],
        "false_positives": false[:20],
        "recall": round(len(matched) / len(true_cuts), 4) if true_cuts else None,
        "precision": round((len(found) - len(false)) / len(found), 4) if found else None,
        "max_offset_frames": max(offsets) if offsets else None,
    }


def measure(path: Path, repeat: int, clip: ClipEncoder | None) -> tuple[dict[str, Any], VideoAnalysis]:
    """Time baseline and analysis (interleaved, ``repeat`` rounds, medians) for one file."""
    baseline, analysed = [], []
    analysis: VideoAnalysis | None = None
    for _ in range(repeat):
        baseline.append(time_ffmpeg_decode(path))
        seconds, analysis = time_analysis(path)
        analysed.append(seconds)
    assert analysis is not None
    base_s, ana_s = statistics.median(baseline), statistics.median(analysed)
    frames = analysis.frames_decoded
    media_s = analysis.info.video_end_s or analysis.info.duration_s or 0.0
    result: dict[str, Any] = {
        "file": str(path),
        "resolution": f"{analysis.info.width}x{analysis.info.height}",
        "codec": analysis.info.video_codec,
        "media_seconds": round(media_s, 2),
        "frames": frames,
        "shots": len(analysis.shots),
        "ffmpeg_decode": _speed(base_s, frames, media_s, baseline),
        "analysis": _speed(ana_s, frames, media_s, analysed),
        "ratio": round(base_s / ana_s, 3),
    }
    if clip is not None:
        clip_s, images = clip.seconds_for(analysis)
        combined = ana_s + clip_s
        result["clip_image_encoder"] = {
            "images": images,
            "seconds": round(clip_s, 3),
            "images_per_s": round(images / clip_s, 1) if clip_s else None,
        }
        result["combined"] = {
            **_speed(combined, frames, media_s, [combined]),
            "ratio": round(base_s / combined, 3),
        }
    return result, analysis


def _speed(seconds: float, frames: int, media_s: float, runs: list[float]) -> dict[str, Any]:
    return {
        "seconds": round(seconds, 3),
        "runs": [round(r, 3) for r in runs],
        "fps": round(frames / seconds, 1),
        "x_realtime": round(media_s / seconds, 2),
    }


def shared_files() -> list[Path]:
    """Every video file of the shared footage folder (empty when it is absent)."""
    if not SHARED_FOOTAGE.is_dir():
        return []
    return sorted(p for p in SHARED_FOOTAGE.rglob("*") if p.suffix.lower() in VIDEO_SUFFIXES and p.is_file())


def main() -> None:
    """Parse options, run the benchmark, print JSON."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the generated footage")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(
            os.environ.get("MONTAGE_BENCH_CACHE", Path(tempfile.gettempdir()) / "montage-bench-cache")
        ),
    )
    parser.add_argument("--repeat", type=int, default=1, help="interleaved timing rounds per file (median)")
    parser.add_argument("--no-clip", action="store_true", help="skip the CLIP image encoder")
    parser.add_argument("--no-shared", action="store_true", help="skip ../shared/footage")
    args = parser.parse_args()
    args.cache_dir.mkdir(parents=True, exist_ok=True)

    generated, cuts = generate_footage(args.cache_dir, args.minutes, args.seed)
    clip = None if args.no_clip else ClipEncoder()
    load_before = os.getloadavg()
    report: dict[str, Any] = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
    }
    result, analysis = measure(generated, args.repeat, clip)
    result["cut_accuracy"] = cut_accuracy(cuts, analysis)
    report["generated"] = result

    if not args.no_shared:
        rows = []
        for path in shared_files():
            row, _ = measure(path, args.repeat, clip)
            rows.append(row)
        if rows:
            base = sum(r["ffmpeg_decode"]["seconds"] for r in rows)
            ana = sum(r["analysis"]["seconds"] for r in rows)
            total: dict[str, Any] = {
                "files": len(rows),
                "media_seconds": round(sum(r["media_seconds"] for r in rows), 1),
                "ffmpeg_decode_seconds": round(base, 2),
                "analysis_seconds": round(ana, 2),
                "ratio": round(base / ana, 3),
            }
            if clip is not None:
                combined = ana + sum(r["clip_image_encoder"]["seconds"] for r in rows)
                total["combined_seconds"] = round(combined, 2)
                total["combined_ratio"] = round(base / combined, 3)
            report["shared_footage"] = {"total": total, "files": rows}
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
