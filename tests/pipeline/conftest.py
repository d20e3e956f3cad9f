"""An indexed library of generated footage with real descriptions, shared by the pipeline tests."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from indexer.runner import IndexRequest, run_index
from montage.config import Settings
from montage.db.database import Database, open_database
from montage.pipeline.make import make_video
from montage.pipeline.types import MakeRequest
from montage.search.channels import Channels, open_channels
from montage.timeline.model import Timeline
from tests.indexer.generated_footage import make_clip

CLIPS = {
    "harbour.mp4": ("Container ships and cranes in a busy sea harbour at dawn.", ["bars", "testsrc"]),
    "train.mp4": ("A high speed train crosses a bridge over a wide river.", ["mandel", "blue"]),
    "farm.mp4": ("Farmers harvest wheat with a combine in golden fields.", ["red", "noise"]),
    "market.mp4": ("Shoppers buy fresh fruit and vegetables at a street market.", ["testsrc", "mandel"]),
    "parliament.mp4": ("Politicians debate in the parliament chamber; a minister speaks.", ["blue", "bars"]),
    "factory.mp4": ("Robots weld car bodies on a factory assembly line.", ["noise", "red"]),
}


@dataclass(frozen=True)
class IndexedLibrary:
    """Settings, database and encoders over an indexed generated library."""

    settings: Settings
    db: Database
    channels: Channels
    root: Path

    def dry_run_timeline(self, article: str, out: Path) -> Timeline:
        """``montage make --dry-run`` of ``article`` over this library (outputs named "story" in ``out``)."""
        request = MakeRequest(article=article, dry_run=True)
        result = make_video(
            request, settings=self.settings, db=self.db, channels=self.channels, out_dir=out, name="story"
        )
        return result.timeline


@pytest.fixture(scope="module")
def indexed_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IndexedLibrary]:
    base = tmp_path_factory.mktemp("pipeline")
    root = base / "footage"
    for name, (description, sources) in CLIPS.items():
        make_clip(root / name, [(sources[0], 3.0), (sources[1], 3.0)], description=description)
    settings = Settings(data_dir=base / "data")
    db = open_database(settings)
    channels = open_channels(settings.embedding)
    report = run_index(settings, db, channels, IndexRequest([root]))
    assert report.indexed == len(CLIPS) and not report.failed
    yield IndexedLibrary(settings, db, channels, root)
    db.engine.dispose()


ManifestClips = dict[str, tuple[str, str, str, list[tuple[str, float]]]]
"""Clip path: (title, description, tags, [(lavfi source, seconds)])."""


def index_manifest_library(base: Path, clips: ManifestClips) -> IndexedLibrary:
    """Generate ``clips`` under ``base/footage`` with a manifest.csv describing them, and index them."""
    root = base / "footage"
    rows = []
    for name, (title, description, tags, segments) in clips.items():
        make_clip(root / name, segments)
        rows.append({"path": name, "title": title, "description": description, "tags": tags})
    manifest = root / "manifest.csv"
    with manifest.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["path", "title", "description", "tags"])
        writer.writeheader()
        writer.writerows(rows)
    settings = Settings(data_dir=base / "data")
    db = open_database(settings)
    channels = open_channels(settings.embedding)
    report = run_index(settings, db, channels, IndexRequest([root], manifests=[manifest]))
    assert report.indexed == len(clips) and not report.failed
    return IndexedLibrary(settings, db, channels, root)
