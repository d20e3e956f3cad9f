"""The `montage` command line as a user runs it (real subprocesses, real footage, JSON outputs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.indexer.generated_footage import make_clip

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def montage(data_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MONTAGE_DATA_DIR=str(data_dir), HF_HUB_OFFLINE="1")
    env.pop("MONTAGE_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check:
        assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("cli")
    library = base / "footage"
    make_clip(
        library / "boats.mp4", [("bars", 2.0), ("blue", 2.0)], description="Sailing boats on a calm lake."
    )
    make_clip(library / "city" / "night.mp4", [("mandel", 2.0)], description="City skyline lit up at night.")
    (library / "broken.mp4").write_bytes(b"not a video at all" * 100)
    manifest = library / "manifest.csv"
    manifest.write_text(
        "path,title,description,tags,language,license,attribution,source\n"
        'boats.mp4,Boats,"Sailing boats on a calm lake in summer.",boat;lake;summer,en,CC-BY-4.0,Jane Doe,'
        "https://example.org/boats\n"
    )
    data = base / "data"
    report = json.loads(montage(data, "index", str(library), "--manifest", str(manifest), "--json").stdout)
    assert report["indexed"] == 2 and len(report["failed"]) == 1
    return library, data


def test_search_hides_hits_below_the_relevance_floor_unless_asked(indexed: tuple[Path, Path]) -> None:
    _library, data = indexed
    nonsense = "quarterly interest rate decision of the central bank"
    assert json.loads(montage(data, "search", nonsense, "--json").stdout) == []
    shown = json.loads(montage(data, "search", nonsense, "--all", "--json").stdout)
    assert shown and all(hit["relevant"] is False for hit in shown)
    assert json.loads(montage(data, "search", "boats on a lake", "--json").stdout)[0]["relevant"] is True


def test_search_json_has_paths_times_and_score_parts(indexed: tuple[Path, Path]) -> None:
    _library, data = indexed
    hits = json.loads(montage(data, "search", "boats on a lake", "--k", "2", "--json").stdout)
    assert len(hits) == 2
    top = hits[0]
    assert top["path"] == "boats.mp4"
    assert {"path", "start", "end", "shot_id", "score", "scores"} <= set(top)
    assert top["scores"]["visual"] is None and top["scores"]["text"] > 0.3
    assert top["license"] == "CC-BY-4.0" and top["attribution"] == "Jane Doe"
    assert 0 <= top["start"] < top["end"] <= 4.05


def test_library_stats_and_shots(indexed: tuple[Path, Path]) -> None:
    library, data = indexed
    stats = json.loads(montage(data, "library", "stats", "--json").stdout)
    assert stats["sources"] == 3 and stats["sources_by_status"] == {"indexed": 2, "failed": 1}
    assert stats["failed"][0]["path"].endswith("broken.mp4") and stats["failed"][0]["message"]
    assert stats["channels"]["text"]["index"]["count"] == stats["shots"] == 3
    assert stats["channels"]["text"]["index"]["model_id"].startswith(
        "google/universal-sentence-encoder-multilingual"
    )
    for name in ("boats.mp4", str(library / "boats.mp4")):
        shots = json.loads(montage(data, "library", "shots", name, "--json").stdout)
        assert [(s["start_frame"], s["end_frame"]) for s in shots] == [(0, 50), (50, 100)]
        assert shots[1]["start"] == pytest.approx(2.0) and "calm lake" in shots[0]["text"]
        assert 0 <= shots[0]["quality"]["score"] <= 1
    missing = montage(data, "library", "shots", "nope.mp4", "--json", check=False)
    assert missing.returncode == 2 and json.loads(missing.stdout)["error"]["code"] == "source_not_found"


def test_doctor_and_voices_say_what_is_usable(indexed: tuple[Path, Path]) -> None:
    _library, data = indexed
    checks = {c["name"]: c for c in json.loads(montage(data, "doctor", "--json").stdout)}
    assert checks["ffmpeg"]["ok"] and checks["database"]["ok"] and checks["tts espeak-ng"]["ok"]
    clip = checks["clip weights (visual channel)"]
    assert clip["ok"] is False and "not on this machine" in clip["detail"]
    voices = json.loads(montage(data, "voices", "--json").stdout)
    espeak = next(v for v in voices if v["engine"] == "espeak-ng")
    assert espeak["availability"]["available"] and any(v["language"] == "en" for v in espeak["voices"])


def test_bad_paths_are_clear_errors(tmp_path: Path) -> None:
    result = montage(tmp_path / "data", "index", str(tmp_path / "missing"), check=False)
    assert result.returncode == 2 and "no such file or folder" in result.stderr
    result = montage(tmp_path / "data", "make", str(tmp_path / "missing.md"), check=False)
    assert result.returncode == 2 and "not a file or an http(s) URL" in result.stderr
