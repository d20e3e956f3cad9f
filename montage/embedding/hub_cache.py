"""Where Hugging Face hub and open_clip keep downloaded weights, and finding a file there without a network.

Only the file system is read: nothing here imports ``huggingface_hub`` or ``torch``.
"""

from __future__ import annotations

import os
from pathlib import Path

INSTALLED_REVISION = "montage-installed"
"""The snapshot (and ``refs/main`` target) ``montage models install`` creates in a repository without one."""


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


def hub_repo_dir(cache_dir: Path, repo_id: str) -> Path:
    """The ``models--ORG--NAME`` folder of ``repo_id`` in the hub cache."""
    return cache_dir / ("models--" + repo_id.replace("/", "--"))


def hub_snapshot_dir(cache_dir: Path, repo_id: str) -> Path:
    """The snapshot folder an installed file of ``repo_id`` goes to: the one ``refs/main`` names, else
    :data:`INSTALLED_REVISION` (whose ``refs/main`` the installer writes once the file is in place)."""
    main_ref = hub_repo_dir(cache_dir, repo_id) / "refs" / "main"
    revision = INSTALLED_REVISION
    if main_ref.is_file():
        revision = main_ref.read_text(encoding="utf-8").strip() or INSTALLED_REVISION
    return hub_repo_dir(cache_dir, repo_id) / "snapshots" / revision


def point_main_at(snapshot_dir: Path) -> None:
    """Write ``refs/main`` naming ``snapshot_dir`` (as the hub does after a download) unless it exists."""
    main_ref = snapshot_dir.parent.parent / "refs" / "main"
    if main_ref.is_file():
        return
    main_ref.parent.mkdir(parents=True, exist_ok=True)
    main_ref.write_text(snapshot_dir.name, encoding="utf-8")
