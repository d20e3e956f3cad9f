"""Where Hugging Face hub and open_clip keep downloaded weights, and finding a file there without a network.

Only the file system is read: nothing here imports ``huggingface_hub`` or ``torch``.
"""

from __future__ import annotations

import os
from pathlib import Path


def force_hub_offline() -> None:
    """Keep Hugging Face libraries off the network (montage never downloads models) and quiet.

    Sets ``HF_HUB_OFFLINE``, ``TRANSFORMERS_OFFLINE`` and ``HF_HUB_DISABLE_PROGRESS_BARS`` unless the
    operator set them. Must run before ``huggingface_hub`` is first imported to take effect there.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def hub_cache_dir(explicit: str | None) -> Path:
    """The hub cache folder that holds ``models--ORG--NAME`` folders."""
    if explicit:
        return Path(explicit).expanduser()
    for variable in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        value = os.environ.get(variable)
        if value:
            return Path(value).expanduser()
    home = os.environ.get("HF_HOME")
    if home:
        return Path(home).expanduser() / "hub"
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home).expanduser() / "huggingface" / "hub"


def url_cache_dir(explicit: str | None) -> Path:
    """The folder where open_clip keeps weights it downloaded from a plain URL."""
    if explicit:
        return Path(explicit).expanduser()
    return Path.home() / ".cache" / "clip"


def cached_hub_file(cache_dir: Path, repo_id: str, filename: str) -> Path | None:
    """The cached copy of ``filename`` from model repository ``repo_id``, or None.

    Follows the hub layout ``models--ORG--NAME/snapshots/<commit>/<filename>``, preferring the commit
    that ``refs/main`` points to, then the most recently written snapshot.
    """
    repo_dir = cache_dir / ("models--" + repo_id.replace("/", "--"))
    snapshots = repo_dir / "snapshots"
    if not snapshots.is_dir():
        return None
    main_ref = repo_dir / "refs" / "main"
    if main_ref.is_file():
        candidate = snapshots / main_ref.read_text(encoding="utf-8").strip() / filename
        if candidate.is_file():
            return candidate
    found = [path for path in snapshots.glob(f"*/{filename}") if path.is_file()]
    if not found:
        return None
    return max(found, key=lambda path: path.stat().st_mtime)
