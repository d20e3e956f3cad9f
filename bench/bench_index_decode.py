"""Benchmark the whole index run, CLIP included, against a plain ffmpeg decode of the same files; prints JSON.

Baseline: ``ffmpeg -threads 2 -i FILE -map 0:v:0 -f null -`` (video decode only, same thread count as the
analysis), file after file. Index run: ``indexer.runner.run_index`` on the same files into a fresh data
directory — worker processes decode and analyse (shots, keyframes, quality, pHash), the parent stores each
file and embeds its text and its keyframes with CLIP, then the FAISS indexes are built. The models are
loaded once before the timing (a service or worker has them loaded); the CLIP image tower is a ViT-B-32-sized
open_clip model with random weights (seed 0, written once to the cache folder as a checkpoint file and
loaded the way real weights are), run by ``--clip-runtime`` (default: montage's default). ``ratio`` =
baseline seconds / index-run seconds (1.0 = as fast as decoding alone; the target is >= 0.7). Each round
times the baseline right before the index run (``--repeat`` rounds, medians). ``--analysis`` also times
``analyze_video`` alone on the generated file (no storing, no embedding), and once more in one pass
against its default time ranges (``time_ranges``: both times, and whether every shot is the same).

The CLIP check: the keyframes the runs stored (generated and shared footage, up to ``--check-images``)
are embedded by the float torch model and by the runtime; ``clip.check`` gives the lowest and mean cosine
of the two vectors of each image (montage uses an export only when >= 0.99 on its own check images) and
both speeds.

Footage: 10 minutes of generated 720p30 H.264 (segments of 1.5-7.5 s from different lavfi sources with
light noise, so every joint is a known hard cut; cached between runs), plus the folder ../shared/footage
indexed as one library when present. Cut accuracy on the generated footage counts detected shot starts
within ±1 frame of a true joint (no segment exceeds ``max_shot_s``, so there are no sub-shot splits).

    .venv/bin/python bench/bench_index_decode.py --repeat 2      # ~8 min on a quiet machine (+ ~1 min once to
                                                                 # export the CLIP tower, + 10-15 min once to
                                                                 # generate the footage)
    .venv/bin/python bench/bench_index_decode.py --minutes 1 --no-clip --no-shared
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from indexer.analysis_types import AnalysisOptions, VideoAnalysis
from indexer.analyze import analyze_video
from indexer.runner import IndexReport, IndexRequest, run_index
from montage.config import Settings
from montage.db.database import open_database
from montage.db.repositories.shots import all_shots
from montage.embedding.clip_encoder import load_clip_encoder
from montage.embedding.protocol import ImageTextEmbedder
from montage.embedding.tower_check import MIN_COSINE, agreement
from montage.media.probe import probe
from montage.options.embedding import EmbeddingOptions
from montage.options.index import IndexSettings
from montage.search.channels import Channels, open_channels

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
    """Seconds for ``ffmpeg -threads 2 -i path -map 0:v:0 -f null -`` (video decode only)."""
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


def time_analysis(path: Path, options: AnalysisOptions | None = None) -> tuple[float, VideoAnalysis]:
    """Seconds for probe + ``analyze_video`` (default options unless given), and the analysis."""
    started = time.perf_counter()
    analysis = analyze_video(path, probe(path), options or AnalysisOptions())
    return time.perf_counter() - started, analysis


def one_pass_check(path: Path) -> dict[str, Any]:
    """Analyse ``path`` in one pass and with the default time ranges; both times and whether every shot
    (frames, times, keyframe pixels, quality, pHash) is the same."""
    one_s, one = time_analysis(path, AnalysisOptions(parts=1))
    ranges_s, ranged = time_analysis(path)

    def shots(analysis: VideoAnalysis) -> list[tuple[Any, ...]]:
        return [
            (s.start_frame, s.end_frame, s.start_s, s.end_s, s.keyframe_time_s, s.quality, s.phash,
             None if s.keyframe is None else s.keyframe.tobytes())
            for s in analysis.shots
        ]  # fmt: skip

    return {
        "one_pass_seconds": round(one_s, 2),
        "ranges": ranged.ranges,
        "ranges_seconds": round(ranges_s, 2),
        "identical_shots": shots(one) == shots(ranged),
    }


def random_clip_checkpoint(cache_dir: Path) -> Path:
    """A ViT-B-32 open_clip state dict with random weights (seed 0), written once: real CLIP's cost."""
    target = cache_dir / "vit-b-32-random-seed0.pt"
    if not target.is_file():
        import open_clip
        import torch

        torch.manual_seed(0)
        model = open_clip.create_model("ViT-B-32", pretrained=None)
        partial = target.with_suffix(".partial")
        torch.save(model.state_dict(), partial)
        partial.replace(target)
    return target


def embedding_options(args: argparse.Namespace) -> EmbeddingOptions:
    """The embedding options of the run: default text model, the random ViT-B-32 unless ``--no-clip``."""
    if args.no_clip:
        return EmbeddingOptions(clip_enabled=False, torch_threads=args.threads)
    return EmbeddingOptions(
        clip_model="ViT-B-32",
        clip_pretrained=str(random_clip_checkpoint(args.cache_dir)),
        clip_runtime=args.clip_runtime,
        clip_onnx_cache_dir=str(args.cache_dir / "clip-onnx"),
        torch_threads=args.threads,
    )


@dataclass
class IndexRun:
    """One timed index run: wall seconds, the report, and the data directory it wrote."""

    seconds: float
    report: IndexReport
    settings: Settings


def time_index_run(
    paths: list[Path], channels: Channels, options: EmbeddingOptions, work: Path, workers: int
) -> IndexRun:
    """Seconds for ``run_index`` over ``paths`` into a fresh data directory (database created beforehand)."""
    settings = Settings(
        data_dir=Path(tempfile.mkdtemp(prefix="index-", dir=work)),
        embedding=options,
        index=IndexSettings(workers=workers),
        library_roots=[],
    )
    db = open_database(settings)
    started = time.perf_counter()
    report = run_index(settings, db, channels, IndexRequest(paths=paths, full=True))
    seconds = time.perf_counter() - started
    db.engine.dispose()
    if report.failed:
        raise RuntimeError(f"files failed to index: {report.failed[:3]}")
    return IndexRun(seconds, report, settings)


def shot_starts(settings: Settings, path: Path) -> list[int]:
    """The stored shots' start frames of one source, in order."""
    db = open_database(settings, migrate=False)
    with db.sessions() as session:
        starts = [shot.start_frame for shot in all_shots(session) if shot.source.path == str(path.resolve())]
    db.engine.dispose()
    return sorted(starts)


def cut_accuracy(true_cuts: list[int], starts: list[int]) -> dict[str, Any]:
    """Precision/recall of detected shot starts (not the first) against the true joints (±1 frame)."""
    found = starts[1:]
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


def _speed(seconds: float, frames: int | None, media_s: float, runs: list[float]) -> dict[str, Any]:
    result: dict[str, Any] = {"seconds": round(seconds, 3), "runs": [round(r, 3) for r in runs]}
    if frames:
        result["fps"] = round(frames / seconds, 1)
    result["x_realtime"] = round(media_s / seconds, 2)
    return result


def measure_library(
    decoded: list[Path],
    repeat: int,
    index: Callable[[], IndexRun],
    analyse: Callable[[], float] | None = None,
) -> tuple[dict[str, Any], IndexRun]:
    """``repeat`` rounds of: plain decode of ``decoded`` file after file, then (when given) ``analyse``,
    then the index run; medians of each."""
    baseline: list[float] = []
    analysed: list[float] = []
    indexed: list[float] = []
    last: IndexRun | None = None
    for _ in range(repeat):
        baseline.append(sum(time_ffmpeg_decode(path) for path in decoded))
        if analyse is not None:
            analysed.append(analyse())
        last = index()
        indexed.append(last.seconds)
    assert last is not None
    base_s, index_s = statistics.median(baseline), statistics.median(indexed)
    media_s = last.report.media_seconds
    result = {
        "files": len(decoded),
        "media_seconds": round(media_s, 1),
        "shots": last.report.shots_written,
        "visual_channel": last.report.visual_channel,
        "keyframes_embedded_early": last.report.keyframes_embedded_early,
        "ffmpeg_decode": _speed(base_s, None, media_s, baseline),
        "index_run": _speed(index_s, None, media_s, indexed),
        "ratio": round(base_s / index_s, 3),
    }
    if analysed:
        result["analysis_only"] = {
            **_speed(statistics.median(analysed), None, media_s, analysed),
            "ratio": round(base_s / statistics.median(analysed), 3),
        }
    return result, last


def shared_files() -> list[Path]:
    """Every video file of the shared footage folder (empty when it is absent)."""
    if not SHARED_FOOTAGE.is_dir():
        return []
    return sorted(p for p in SHARED_FOOTAGE.rglob("*") if p.suffix.lower() in VIDEO_SUFFIXES and p.is_file())


def keyframe_images(settings_list: list[Settings], limit: int) -> list[Image.Image]:
    """Up to ``limit`` stored keyframes of the given runs, evenly spread over all of them."""
    files = sorted(path for settings in settings_list for path in settings.keyframe_dir.rglob("*.jpg"))
    step = max(1, len(files) // limit) if limit else 1
    chosen = files[::step][:limit]
    images = []
    for path in chosen:
        with Image.open(path) as image:
            images.append(image.convert("RGB"))
    return images


def _process_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def clip_check(
    options: EmbeddingOptions, encoder: ImageTextEmbedder, images: list[Image.Image]
) -> dict[str, Any]:
    """The runtime's vectors of ``images`` against the float torch model's, and both speeds.

    Speeds: images/s (wall, preprocessing included) and CPU milliseconds an image (this process, all
    threads) — the CPU figure is what the embedding takes from the decoders, and is less disturbed by
    other jobs on the machine than the wall time.
    """
    reference = load_clip_encoder(options.model_copy(update={"clip_runtime": "torch"}))
    speeds: dict[str, Any] = {}
    vectors = {}
    for name, model in (("torch", reference), (options.clip_runtime, encoder)):
        model.embed_images(images[:2])  # first calls allocate: keep them out of the timing
        cpu, started = _process_cpu_seconds(), time.perf_counter()
        vectors[name] = model.embed_images(images)
        seconds = time.perf_counter() - started
        speeds[name] = {
            "images_per_s": round(len(images) / seconds, 1),
            "cpu_ms_per_image": round((_process_cpu_seconds() - cpu) * 1000 / len(images), 1),
        }
    check = agreement(vectors["torch"], vectors[options.clip_runtime])
    return {**check.to_json(), "passed": check.passes(MIN_COSINE), "threshold": MIN_COSINE, "speed": speeds}


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
    parser.add_argument("--repeat", type=int, default=1, help="interleaved timing rounds (median)")
    parser.add_argument("--no-clip", action="store_true", help="index without the visual channel")
    parser.add_argument(
        "--clip-runtime",
        choices=["torch", "onnx", "onnx-int8"],
        default=EmbeddingOptions().clip_runtime,
        help="what runs the CLIP image tower (default: montage's default)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=EmbeddingOptions().torch_threads,
        help="embedding threads (torch_threads)",
    )
    parser.add_argument("--workers", type=int, default=IndexSettings().workers, help="analysis processes")
    parser.add_argument("--check-images", type=int, default=64, help="keyframes for the CLIP cosine check")
    parser.add_argument("--analysis", action="store_true", help="also time analyze_video alone (generated)")
    parser.add_argument("--no-shared", action="store_true", help="skip ../shared/footage")
    args = parser.parse_args()
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    generated, cuts = generate_footage(args.cache_dir, args.minutes, args.seed)
    options = embedding_options(args)
    started = time.perf_counter()
    channels = open_channels(options)
    load_s = time.perf_counter() - started
    work = Path(tempfile.mkdtemp(prefix="bench-index-", dir=args.cache_dir))
    report: dict[str, Any] = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "workers": args.workers,
        "embedding_threads": args.threads,
    }
    if channels.visual is not None:
        report["clip"] = {
            "model": "ViT-B-32 image tower, random weights (seed 0)",
            "runtime_requested": options.clip_runtime,
            "runtime_used": getattr(channels.visual, "image_runtime", "torch"),
            "load_seconds": round(load_s, 1),
        }
    elif not args.no_clip:
        raise SystemExit(f"CLIP did not load: {channels.visual_reason}")

    def index(paths: list[Path]) -> Callable[[], IndexRun]:
        return lambda: time_index_run(paths, channels, options, work, args.workers)

    analyse = (lambda: time_analysis(generated)[0]) if args.analysis else None
    result, last = measure_library([generated], args.repeat, index([generated]), analyse)
    result["cut_accuracy"] = cut_accuracy(cuts, shot_starts(last.settings, generated))
    if args.analysis:
        result["time_ranges"] = one_pass_check(generated)
    report["generated"] = {"file": str(generated), **result}
    runs = [last.settings]

    files = [] if args.no_shared else shared_files()
    if files:
        shared, last_shared = measure_library(files, args.repeat, index([SHARED_FOOTAGE]))
        report["shared_footage"] = {"folder": str(SHARED_FOOTAGE), **shared}
        runs.append(last_shared.settings)

    if channels.visual is not None and args.check_images > 0:
        report["clip"]["check"] = clip_check(
            options, channels.visual, keyframe_images(runs, args.check_images)
        )
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
