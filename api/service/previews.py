"""Short preview clips and single frames of shots, cut from the source with ffmpeg and cached.

Both are written atomically (a temp file beside the target, then a rename), so a reader never sees half a
file and two requests for the same thing at once just both write the same bytes.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from montage.errors import MediaError


def preview_path(
    cache_dir: Path, shot_id: int, width: int, max_s: float, start_s: float | None = None
) -> Path:
    """Where the preview of a shot at this size and length (from ``start_s``: a window of it) is cached."""
    window = "" if start_s is None else f"_at{round(start_s * 1000)}ms"
    return cache_dir / "previews" / f"{shot_id}{window}_w{width}_{max_s:g}s.mp4"


def frame_path(cache_dir: Path, shot_id: int, at_s: float, width: int) -> Path:
    """Where the frame of a shot at ``at_s`` (source seconds, to the millisecond) is cached."""
    return cache_dir / "frames" / f"{shot_id}_at{round(at_s * 1000)}ms_w{width}.jpg"


def _run_atomically(command_for: list[str], target: Path, what: str) -> Path:
    """Run ffmpeg writing to a temp file (the command's last argument), then rename it to ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".part-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        done = subprocess.run(
            [*command_for, str(tmp)], capture_output=True, text=True, timeout=60, check=False
        )
        if done.returncode != 0 or tmp.stat().st_size == 0:
            raise MediaError(f"could not cut {what}", stderr_tail=done.stderr[-2000:])
        os.replace(tmp, target)
    except subprocess.TimeoutExpired as exc:
        raise MediaError(f"cutting {what} timed out") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return target


def make_frame(source: Path, at_s: float, target: Path, *, width: int) -> Path:
    """The frame of ``source`` at ``at_s`` seconds as a JPEG ``width`` pixels wide at ``target``."""
    if target.is_file():
        return target
    command = [
        "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
        "-ss", f"{at_s:.3f}", "-i", str(source), "-frames:v", "1", "-an", "-sn", "-dn",
        "-vf", f"scale={width}:-2", "-q:v", "4", "-f", "image2",
    ]  # fmt: skip
    return _run_atomically(command, target, f"a frame of {source.name}")


def make_preview(
    source: Path, start_s: float, end_s: float, target: Path, *, width: int, max_s: float
) -> Path:
    """Cut ``[start_s, min(end_s, start_s + max_s)]`` of ``source`` to a small silent MP4 at ``target``."""
    if target.is_file():
        return target
    length = max(0.1, min(end_s - start_s, max_s))
    command = [
        "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
        "-ss", f"{start_s:.3f}", "-i", str(source), "-t", f"{length:.3f}",
        "-an", "-sn", "-dn", "-vf", f"scale={width}:-2", "-c:v", "libx264", "-preset", "veryfast",
        "-crf", "30", "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4",
    ]  # fmt: skip
    return _run_atomically(command, target, f"a preview of {source.name}")
