"""Small real video files with known content, made once per test session with ffmpeg's lavfi sources."""

from __future__ import annotations

import random
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
SHARED_FOOTAGE = (REPO_ROOT / ".." / "shared" / "footage").resolve()
PYSCENEDETECT_FOOTAGE = SHARED_FOOTAGE / "pyscenedetect"

SIZE = "160x90"
SOURCES = {
    "bars": "smptebars=size={size}:rate={rate}",
    "testsrc": "testsrc=size={size}:rate={rate}",
    "mandel": "mandelbrot=size={size}:rate={rate}",
    "red": "color=c=red:size={size}:rate={rate}",
    "black": "color=c=black:size={size}:rate={rate}",
    "rgb": "rgbtestsrc=size={size}:rate={rate}",
}


@dataclass(frozen=True)
class Segment:
    """``frames`` frames of a lavfi source at ``rate`` (a rational string like ``30000/1001``)."""

    source: str
    frames: int
    rate: str = "25"


def ffmpeg(*args: str) -> None:
    """Run ffmpeg quietly; fail the test with its message when it fails."""
    result = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", *args], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def make_clip(
    path: Path, segments: list[Segment], *, size: str = SIZE, extra: tuple[str, ...] = (), vfr: bool = False
) -> Path:
    """Encode the segments back to back (each one a shot) as H.264; returns ``path``."""
    inputs: list[str] = []
    chain = ""
    for i, segment in enumerate(segments):
        source = SOURCES[segment.source].format(size=size, rate=segment.rate)
        inputs += ["-f", "lavfi", "-i", source]
        chain += f"[{i}:v]trim=end_frame={segment.frames},setpts=PTS-STARTPTS,format=yuv420p[v{i}];"
    chain += "".join(f"[v{i}]" for i in range(len(segments)))
    chain += f"concat=n={len(segments)}:v=1:a=0[out]"
    timing = ["-fps_mode", "passthrough"] if vfr else []
    ffmpeg(
        *inputs,
        "-filter_complex",
        chain,
        "-map",
        "[out]",
        *timing,
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        *extra,
        str(path),
    )
    return path


def make_quadrant_clip(path: Path, *, seconds: float = 1.0, sar: str = "1/1") -> Path:
    """A clip that is dark grey except for a white top-left quadrant (to check orientation)."""
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        f"color=c=0x202020:size=320x180:rate=25,drawbox=x=0:y=0:w=160:h=90:color=white:t=fill,setsar={sar}",
        "-t",
        str(seconds),
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        str(path),
    )
    return path


def make_tagged_clip(folder: Path, *, sar: str = "1/1") -> Path:
    """2 s of 320x180 H.264 at 30000/1001 fps with stereo AAC at 48 kHz, one SRT subtitle track, pixels of
    aspect ``sar`` and the title "Harbour at dawn" / comment "Boats leave the harbour", as ``clip.mkv``."""
    subtitles = folder / "subs.srt"
    subtitles.write_text("1\n00:00:00,000 --> 00:00:01,000\nHello\n", encoding="utf-8")
    path = folder / "clip.mkv"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=320x180:rate=30000/1001",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-i", str(subtitles),
        "-t", "2", "-map", "0:v", "-map", "1:a", "-map", "2:s", "-vf", f"setsar={sar}",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-ac", "2", "-c:s", "srt",
        "-metadata", "title=Harbour at dawn", "-metadata", "comment=Boats leave the harbour",
        str(path),
    )  # fmt: skip
    return path


def with_rotate_tag(source: Path, path: Path, degrees: int) -> Path:
    """Copy ``source`` adding a rotation (ffmpeg 5 turns the tag into a display matrix)."""
    ffmpeg("-i", str(source), "-c", "copy", "-metadata:s:v:0", f"rotate={degrees}", str(path))
    return path


def damage(source: Path, path: Path, *, seed: int, chunks: int = 3, chunk_bytes: int = 4000) -> Path:
    """Copy ``source`` overwriting ``chunks`` runs of bytes in its middle part with seeded random junk."""
    data = bytearray(source.read_bytes())
    rng = random.Random(seed)
    for k in range(chunks):
        offset = int(len(data) * (0.3 + 0.2 * k))
        data[offset : offset + chunk_bytes] = rng.randbytes(chunk_bytes)
    path.write_bytes(bytes(data))
    return path


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for every generated clip of the session."""
    return tmp_path_factory.mktemp("analysis-clips")


@pytest.fixture(scope="session")
def three_shots_25(clip_dir: Path) -> Path:
    """25 fps: bars (40 frames) | testsrc (50) | mandelbrot (40) → cuts at frames 40 and 90."""
    segments = [Segment("bars", 40), Segment("testsrc", 50), Segment("mandel", 40)]
    return make_clip(clip_dir / "three_shots_25.mp4", segments)


@pytest.fixture(scope="session")
def three_shots_ntsc(clip_dir: Path) -> Path:
    """30000/1001 fps: mandelbrot (45) | red (30) | testsrc (45) → cuts at frames 45 and 75."""
    rate = "30000/1001"
    segments = [Segment("mandel", 45, rate), Segment("red", 30, rate), Segment("testsrc", 45, rate)]
    return make_clip(clip_dir / "three_shots_ntsc.mp4", segments)


@pytest.fixture(scope="session")
def with_black_shot(clip_dir: Path) -> Path:
    """25 fps: testsrc (40) | black (40) | bars (40)."""
    segments = [Segment("testsrc", 40), Segment("black", 40), Segment("bars", 40)]
    return make_clip(clip_dir / "with_black.mp4", segments)


@pytest.fixture(scope="session")
def long_single_shot(clip_dir: Path) -> Path:
    """10 s of one mandelbrot zoom at 25 fps (no cut)."""
    return make_clip(clip_dir / "long_shot.mp4", [Segment("mandel", 250)], size="96x54")


@pytest.fixture(scope="session")
def vfr_clip(clip_dir: Path) -> Path:
    """Variable rate: testsrc 30 frames at 25 fps | bars 12 frames at 10 fps | mandelbrot 30 at 25 fps."""
    segments = [Segment("testsrc", 30, "25"), Segment("bars", 12, "10"), Segment("mandel", 30, "25")]
    return make_clip(clip_dir / "vfr.mp4", segments, vfr=True)


@pytest.fixture(scope="session")
def quadrant_clip(clip_dir: Path) -> Path:
    """Square pixels, white top-left quadrant, no rotation."""
    return make_quadrant_clip(clip_dir / "quadrant.mp4")


@pytest.fixture(scope="session")
def faststart_clip(clip_dir: Path) -> Path:
    """6 s, 25 fps, index at the front (so a truncated copy is still readable)."""
    path = clip_dir / "faststart.mp4"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=160x90:rate=25",
        "-t",
        "6",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-g",
        "25",
        "-movflags",
        "+faststart",
        str(path),
    )
    return path


def shared_clip_or_skip(name: str) -> Path:
    """A file of the shared PySceneDetect footage, or skip the test saying where it was looked for."""
    path = PYSCENEDETECT_FOOTAGE / name
    if not path.is_file():
        pytest.skip(f"shared footage file not present: {path}")
    return path
