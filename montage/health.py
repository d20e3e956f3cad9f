"""What is installed and usable: external programs, database, models and indexes."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import asdict, dataclass

from sqlalchemy import text

from montage.config import Settings
from montage.db.session import make_engine, normalise_url
from montage.embedding.clip_weights import clip_availability
from montage.embedding.model_inventory import text_status
from montage.search.vector_index import read_manifest
from montage.speech.registry import list_voices


@dataclass(frozen=True)
class Check:
    """One thing checked: ``ok`` or not, and a plain sentence saying what was found."""

    name: str
    ok: bool
    detail: str
    required: bool = True


def _program(name: str, args: list[str]) -> Check:
    path = shutil.which(name)
    if path is None:
        return Check(name, False, "not installed (run scripts/setup.sh)")
    try:
        out = subprocess.run([path, *args], capture_output=True, text=True, timeout=10, check=False)
        first = (
            (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr).strip() else path
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check(name, False, f"{path} does not run: {exc}")
    return Check(name, True, first[:120])


def _database(settings: Settings) -> Check:
    url = normalise_url(settings.resolved_database_url)
    try:
        engine = make_engine(url)
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # any failure is reported, not raised
        return Check("database", False, f"{url.split('@')[-1]}: {type(exc).__name__}: {exc}"[:200])
    return Check("database", True, url.split("@")[-1] if "@" in url else url)


def run_checks(settings: Settings) -> list[Check]:
    """Check programs, database, models and indexes without loading heavy models."""
    checks = [
        _program("ffmpeg", ["-version"]),
        _program("ffprobe", ["-version"]),
        _database(settings),
    ]
    for entry in list_voices(settings.speech):
        checks.append(
            Check(
                f"tts {entry.engine}",
                entry.availability.available,
                f"{entry.availability.reason} ({len(entry.voices)} voices)",
                required=entry.engine == settings.speech.engine,
            )
        )
    options = settings.embedding
    text = text_status(options)
    checks.append(
        Check(
            "text model (text channel)",
            text.present,
            f"{text.model}: {text.detail} at {text.location}"
            if text.present
            else f"{text.model}: {text.detail}",
        )
    )
    clip = clip_availability(options)
    checks.append(
        Check(
            "clip weights (visual channel)",
            clip.available,
            f"{clip.model_id}: {'present' if clip.available else clip.reason}",
            required=False,
        )
    )
    for channel in ("text", "visual"):
        manifest = read_manifest(settings.index_dir, channel)
        checks.append(
            Check(
                f"{channel} index",
                manifest is not None,
                "not built yet (run `montage index PATH`)"
                if manifest is None
                else f"{manifest.count} vectors, {manifest.index_type}, model {manifest.model_id}",
                required=False,
            )
        )
    return checks


def checks_to_json(checks: list[Check]) -> list[dict[str, object]]:
    """Checks as JSON-ready dicts."""
    return [asdict(check) for check in checks]
