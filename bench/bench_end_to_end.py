"""End to end, cold: ``montage make`` run as a new process (imports, models, every stage, the render) on a
~700-word article to a ~50 s 720p video (target 60 s; espeak-ng reads it in ~53 s) with burned
subtitles, against a plain ffmpeg re-encode of that same output file with the same encoder settings,
interleaved in the same run (target: make ≤ 1.5× the re-encode's wall time). Every round starts with an
empty speech cache, so narration is synthesised anew.

    .venv/bin/python bench/bench_end_to_end.py --workdir /tmp/bench-e2e   # 3 rounds: ≈ 5 min on 2 cores
    .venv/bin/python bench/bench_end_to_end.py --long     # + one 3,000-word run to a 5-minute video

Prints JSON: wall and CPU seconds (user + system, montage's process with its ffmpeg/espeak children) of
every run, the 1-minute load average before each, the stage times montage reports and the seconds spent
outside its stages (start-up: imports, model loading; and the outputs written after the render), and the
ratios of the minimum and median times. Footage: generated 720p H.264 clips with descriptions (no
../shared needed), indexed once, before any timing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from reencode_baseline import reencode_argv

from api.demo.library import generate_clip
from indexer.runner import IndexRequest, run_index
from montage.config import Settings
from montage.db.database import open_database
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


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[dict[str, float], str]:
    """Run ``argv``; its wall and CPU seconds (with its children), the load average before it, its stdout.

    Exits with the command's stderr when it fails.
    """
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{argv[0]} failed:\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "load_1m": round(load, 2)}, done.stdout


def prepare(workdir: Path) -> Settings:
    """The generated footage, indexed into ``workdir/data`` (shared by every run; not timed)."""
    settings = Settings(data_dir=workdir / "data")
    footage = workdir / "footage"
    make_library(footage, shots_per_clip=6)
    db = open_database(settings)
    run_index(settings, db, open_channels(settings.embedding), IndexRequest([footage]))
    return settings


def run(settings: Settings, workdir: Path, *, words: int, duration: float, rounds: int) -> dict[str, Any]:
    """``rounds`` interleaved pairs: a cold ``montage make`` subprocess, then the re-encode of its video."""
    article = workdir / f"article-{words}.md"
    article.write_text(make_article(words), encoding="utf-8")
    video = workdir / f"out-{words}" / "video.mp4"
    montage = str(Path(sys.executable).with_name("montage"))
    env = {**os.environ, "MONTAGE_DATA_DIR": str(settings.data_dir), "HF_HUB_OFFLINE": "1"}
    make_argv = [montage, "make", str(article), "-o", str(video), "--duration", f"{duration:g}"]
    make_argv += ["--burn-subtitles", "--json"]
    makes: list[dict[str, Any]] = []
    reencodes: list[dict[str, float]] = []
    result: dict[str, Any] = {}
    for _ in range(rounds):
        shutil.rmtree(settings.cache_dir / "speech", ignore_errors=True)  # narration is synthesised anew
        times, stdout = timed(make_argv, env)
        result = json.loads(stdout)
        stages = result["stage_seconds"]
        times["outside_stages_s"] = round(times["wall_s"] - sum(stages.values()), 2)
        times["stage_seconds"] = stages
        makes.append(times)
        reencodes.append(timed(reencode_argv(video, video.with_name("reencode.mp4"), settings.render))[0])
    make_wall = min(m["wall_s"] for m in makes)
    reencode_wall = min(r["wall_s"] for r in reencodes)
    return {
        "article_words": len(article.read_text(encoding="utf-8").split()),
        "target_s": duration,
        "video_s": round(result["duration_s"], 3),
        "segments": result["segments"],
        "make": makes,
        "reencode": reencodes,
        "min_make_wall_s": make_wall,
        "min_reencode_wall_s": reencode_wall,
        "ratio_vs_reencode_wall": round(make_wall / reencode_wall, 3),
        "ratio_vs_reencode_median_wall": round(
            statistics.median(m["wall_s"] for m in makes) / statistics.median(r["wall_s"] for r in reencodes),
            3,
        ),
        "ratio_vs_reencode_cpu": round(
            min(m["cpu_s"] for m in makes) / min(r["cpu_s"] for r in reencodes), 3
        ),
        "target_ratio_vs_reencode_wall": 1.5,
        "peak_rss_mb_of_any_child": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


def main() -> None:
    """Index the footage, run the rounds, print JSON."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved make / re-encode pairs")
    parser.add_argument("--words", type=int, default=700)
    parser.add_argument(
        "--duration", type=float, default=60.0, help="target seconds (espeak reads faster: ~53 s of video)"
    )
    parser.add_argument("--long", action="store_true", help="also one 3,000-word run to a 5-minute video")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="montage-bench-e2e-"))
    workdir.mkdir(parents=True, exist_ok=True)
    settings = prepare(workdir)
    report: dict[str, Any] = {"workdir": str(workdir), "cpus": os.cpu_count()}
    report["short"] = run(settings, workdir, words=args.words, duration=args.duration, rounds=args.rounds)
    if args.long:
        report["long"] = run(settings, workdir, words=3000, duration=300, rounds=1)
    report["load_average_1m_5m_15m_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
