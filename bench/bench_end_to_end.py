"""End to end: a ~600-word article to a 60 s 720p video (models warm) against a plain ffmpeg re-encode of
that same output file with the same encoder settings, measured in the same run; plus a long-form run
(~3,000 words to a 5-minute video) reporting peak RSS.

    .venv/bin/python bench/bench_end_to_end.py [--long] [--workdir DIR]

Prints JSON. Footage: generated 720p H.264 clips with descriptions (no ../shared needed).
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from api.demo.library import generate_clip
from indexer.runner import IndexRequest, run_index
from montage.config import Settings
from montage.db.database import open_database
from montage.pipeline.make import make_video
from montage.pipeline.types import MakeRequest
from montage.search.channels import open_channels

TOPICS = [
    ("harbour", "Container ships and cranes in a busy sea harbour", "smptebars"),
    ("train", "A high speed train crosses a bridge over a river", "testsrc2"),
    ("farm", "Farmers harvest wheat with a combine in golden fields", "mandelbrot"),
    ("market", "Shoppers buy fruit and vegetables at a street market", "testsrc"),
    ("parliament", "Politicians debate in the parliament chamber", "rgbtestsrc"),
    ("factory", "Robots weld car bodies on a factory assembly line", "cellauto"),
    ("school", "Children learn in a bright school classroom", "smptehdbars"),
    ("hospital", "Nurses and doctors care for patients in a hospital ward", "gradients"),
    ("airport", "Planes take off from a busy airport runway", "life"),
    ("forest", "Tall pine trees in a misty forest at sunrise", "mandelbrot"),
    ("solar", "Solar panels and wind turbines produce clean energy", "testsrc2"),
    ("stadium", "Fans cheer in a packed football stadium", "smptebars"),
]

SENTENCES = {
    "harbour": "The harbour handled a record number of container ships, and cranes worked through the night.",
    "train": "A new high speed train now crosses the river bridge in under a minute.",
    "farm": "Farmers in the golden wheat fields reported the best harvest in a decade.",
    "market": "At the street market, shoppers paid more for fruit and vegetables than last year.",
    "parliament": "In parliament, politicians debated the budget late into the evening.",
    "factory": "Factory robots on the assembly line weld car bodies faster than ever.",
    "school": "Schools hired more teachers so that children learn in smaller classrooms.",
    "hospital": "Hospitals say nurses and doctors are treating more patients each week.",
    "airport": "The airport added flights as planes take off every two minutes.",
    "forest": "Environmental groups planted pine trees to restore the forest.",
    "solar": "Solar panels and wind turbines now produce a third of the region's power.",
    "stadium": "Football fans filled the stadium for the final match of the season.",
}


def make_library(folder: Path, shots_per_clip: int) -> None:
    """One 720p clip per topic, each made of several shots, with a sidecar description."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, description, source in TOPICS:
        path = folder / f"{name}.mp4"
        if path.exists():
            continue
        scale = "" if source not in ("life", "cellauto") else ",scale=1280:720"
        size = "320x180" if scale else "1280x720"
        segments = [
            (f"{source}=size={size}:rate=30{scale},hue=h={i * 40}", 4.0) for i in range(shots_per_clip)
        ]
        generate_clip(path, segments, crf=23)
        path.with_suffix(".json").write_text(
            json.dumps(
                {"title": name, "description": description, "license": "CC0-1.0", "attribution": "generated"}
            )
        )


PLACES = [
    "Lyon",
    "Porto",
    "Gdansk",
    "Bilbao",
    "Turku",
    "Graz",
    "Ghent",
    "Split",
    "Cork",
    "Brno",
    "Malmo",
    "Bergen",
    "Leipzig",
    "Bologna",
    "Tartu",
    "Kaunas",
    "Aarhus",
    "Nantes",
    "Utrecht",
    "Linz",
]
OPENERS = [
    "Officials in {place} said",
    "A report from {place} found",
    "According to figures from {place},",
    "Residents of {place} noticed",
    "In {place}, analysts said",
    "Local reporters in {place} wrote",
    "Planners in {place} confirmed",
    "Visitors to {place} saw",
]
CLOSERS = [
    "a change of {n} percent since {year}",
    "about {n} thousand people affected by {year}",
    "a budget of {n} million euros set aside in {year}",
    "{n} new jobs expected before {year}",
    "plans to double it by {year}",
    "a survey of {n} households in {year}",
]


def make_article(words: int) -> str:
    """An article of about ``words`` words: distinct sentences about the footage topics, in paragraphs."""
    names = list(SENTENCES)
    paragraphs: list[str] = []
    count = 0
    i = 0
    while count < words:
        sentences = []
        for j in range(3):
            k = i * 3 + j
            topic = SENTENCES[names[k % len(names)]].rstrip(".")
            opener = OPENERS[k % len(OPENERS)].format(place=PLACES[k % len(PLACES)])
            closer = CLOSERS[(k // 3) % len(CLOSERS)].format(n=7 + (k * 13) % 90, year=2020 + k % 9)
            sentences.append(f"{opener} that {topic[0].lower()}{topic[1:]}, with {closer}.")
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        count += len(paragraph.split())
        i += 1
    return "# A year of change in the region\n\n" + "\n\n".join(paragraphs)


def reencode_seconds(video: Path, settings: Settings) -> float:
    """Time a plain ffmpeg re-encode of ``video`` with the renderer's encoder settings."""
    out = video.with_name("reencode.mp4")
    started = time.perf_counter()
    subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-i",
            str(video),
            "-c:v",
            "libx264",
            "-preset",
            settings.render.preset,
            "-crf",
            str(settings.render.crf),
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            settings.render.audio_bitrate,
            str(out),
        ],
        check=True,
    )
    return time.perf_counter() - started


def run(words: int, duration: float, workdir: Path) -> dict[str, object]:
    settings = Settings(data_dir=workdir / "data")
    footage = workdir.parent / "footage"  # shared by the short and the long run
    make_library(footage, shots_per_clip=6)
    db = open_database(settings)
    channels = open_channels(settings.embedding)
    run_index(settings, db, channels, IndexRequest([footage]))
    article = make_article(words)
    # Warm-up on a short article (models, espeak, caches for other sentences), then the measured run.
    make_video(
        MakeRequest(article=make_article(60), kind="markdown", duration_s=10, dry_run=True),
        settings=settings,
        db=db,
        channels=channels,
        out_dir=workdir / "warm",
        name="warm",
    )
    started = time.perf_counter()
    result = make_video(
        MakeRequest(article=article, kind="markdown", duration_s=duration, burn_subtitles=True),
        settings=settings,
        db=db,
        channels=channels,
        out_dir=workdir / "out",
        name="bench",
    )
    total = time.perf_counter() - started
    assert result.outputs.video is not None
    baseline = reencode_seconds(result.outputs.video, settings)
    segments = result.timeline.segments
    return {
        "article_words": len(article.split()),
        "target_s": duration,
        "video_s": result.timeline.duration_s,
        "segments": len(segments),
        "fallback_segments": sum(1 for s in segments if s.fallback),
        "make_video_s": round(total, 2),
        "stage_seconds": result.stage_seconds,
        "plain_reencode_s": round(baseline, 2),
        "ratio_vs_reencode": round(total / baseline, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--long", action="store_true", help="Also run 3,000 words to a 5-minute video.")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="montage-bench-e2e-"))
    report: dict[str, object] = {"workdir": str(workdir), "short": run(600, 60, workdir / "short")}
    if args.long:
        report["long"] = run(3000, 300, workdir / "long")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
