"""Generate small real video files with known content for indexer tests (ffmpeg lavfi)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

SOURCES = {
    "bars": "smptebars=size=320x180:rate=25",
    "testsrc": "testsrc=size=320x180:rate=25",
    "mandel": "mandelbrot=size=320x180:rate=25",
    "red": "color=c=red:size=320x180:rate=25",
    "blue": "color=c=0x2040c0:size=320x180:rate=25",
    "noise": "cellauto=size=320x180:rate=25:rule=110",
    # an empty grey frame that a large white box crosses from 5 s on (one shot: no cut where it enters)
    "arrival": "color=c=gray:size=320x180:rate=25[ground];color=c=white:size=120x120:rate=25[box];"
    "[ground][box]overlay=x='if(lt(t,5),-130,(t-5)*120-20)':y=30",
}


def make_clip(path: Path, segments: list[tuple[str, float]], *, description: str | None = None) -> Path:
    """Write an H.264 clip made of the given (source name, seconds) segments; each segment is one shot."""
    path.parent.mkdir(parents=True, exist_ok=True)
    args = ["ffmpeg", "-nostdin", "-v", "error", "-y"]
    for name, seconds in segments:
        args += ["-f", "lavfi", "-t", str(seconds), "-i", SOURCES[name]]
    chain = "".join(f"[{i}:v]format=yuv420p[v{i}];" for i in range(len(segments)))
    chain += "".join(f"[v{i}]" for i in range(len(segments))) + f"concat=n={len(segments)}:v=1:a=0[out]"
    args += ["-filter_complex", chain, "-map", "[out]", "-c:v", "libx264", "-preset", "ultrafast", str(path)]
    subprocess.run(args, check=True, capture_output=True)
    if description is not None:
        path.with_suffix(".json").write_text(
            json.dumps(
                {"title": path.stem, "description": description, "license": "CC0-1.0", "attribution": "tests"}
            )
        )
    return path
