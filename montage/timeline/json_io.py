"""Timeline files: ``*.timeline.json`` written atomically and read back with a clear error."""

from __future__ import annotations

import json
import os
from pathlib import Path

from montage.errors import InputError
from montage.timeline.model import Timeline


def write_timeline_json(timeline: Timeline, path: Path) -> Path:
    """Write the timeline JSON (UTF-8, indented) atomically: a temp file beside ``path``, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(json.dumps(timeline.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(temp, path)
    return path


def read_timeline_json(path: Path) -> Timeline:
    """Read and check a timeline JSON file (InputError when it is not valid JSON or not a timeline)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read timeline {path}: {exc}", code="invalid_timeline") from exc
    return Timeline.from_json(data)
