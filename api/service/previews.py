"""Short preview clips of shots, cut from the source with ffmpeg and cached (written atomically)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from montage.errors import MediaError


def preview_path(cache_dir: Path, shot_id: int, width: int, max_s: float) -> Path:
    """Where the preview of a shot at this size and length is cached."""
    return cache_dir / "previews" / f"{shot_id}_w{width}_{max_s:g}s.mp4"


def make_preview(
    source: Path, start_s: float, end_s: float, target: Path, *, width: int, max_s: float
) -> Path:
    """Cut ``[start_s, min(end_s, start_s + max_s)]`` of ``source`` to a small silent MP4 at ``target``."""
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    length = max(0.1, min(end_s - start_s, max_s))
    fd, tmp_name = tempfile.mkstemp(prefix=".preview-", suffix=".mp4", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    command = [
        "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
        "-ss", f"{start_s:.3f}", "-i", str(source), "-t", f"{length:.3f}",
        "-an", "-sn", "-dn", "-vf", f"scale={width}:-2", "-c:v", "libx264", "-preset", "veryfast",
        "-crf", "30", "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(tmp),
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode != 0 or tmp.stat().st_size == 0:
            raise MediaError(f"could not cut a preview of {source.name}", stderr_tail=done.stderr[-2000:])
        os.replace(tmp, target)
    except subprocess.TimeoutExpired as exc:
        raise MediaError(f"cutting a preview of {source.name} timed out") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return target
