"""Re-indexing without ``--manifest`` keeps what manifests said (issue #10, bug 2: data loss).

Real index runs on real generated clips with a real SQLite database: a library's own ``manifest.csv`` is
found by itself, and what a manifest given once said is kept by later runs until a newer manifest changes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.runner import IndexRequest, run_index
from montage.config import Settings
from montage.db.database import Database, open_database
from montage.db.repositories.sources import list_sources
from montage.search.channels import Channels, open_channels
from tests.indexer.generated_footage import make_clip

pytestmark = pytest.mark.reliability

HARBOUR = {
    "title": "Harbour at dawn",
    "description": "Fishing boats leave the harbour.",
    "license": "CC-BY-4.0",
    "attribution": "Jane Doe",
}
TRAFFIC = {"title": "Rush hour traffic", "description": "", "license": "CC0-1.0", "attribution": "City Desk"}


@pytest.fixture(scope="module")
def channels() -> Channels:
    """The real offline text encoder (no visual channel needed here)."""
    return open_channels(Settings().embedding)


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[Settings, Database]]:
    """No library roots configured, as for ``montage index DIR`` on a workstation."""
    settings = Settings(data_dir=tmp_path / "data", index={"workers": 1})
    db = open_database(settings)
    yield settings, db
    db.engine.dispose()


def _stored(db: Database) -> dict[str, dict[str, str]]:
    with db.sessions() as session:
        return {
            s.rel_path: {
                "title": s.title,
                "description": s.description,
                "license": s.license,
                "attribution": s.attribution,
            }
            for s in list_sources(session)
        }


def test_reindex_without_manifest_keeps_titles_descriptions_licences_and_attribution(
    tmp_path: Path, setup: tuple[Settings, Database], channels: Channels
) -> None:
    settings, db = setup
    root = tmp_path / "library"
    make_clip(root / "harbour.mp4", [("bars", 1.0)])
    make_clip(root / "city" / "traffic.mp4", [("testsrc", 1.0)])
    (root / "manifest.csv").write_text(
        "path,title,description,license,attribution\n"
        "harbour.mp4,Harbour at dawn,Fishing boats leave the harbour.,CC-BY-4.0,Jane Doe\n"
    )
    catalogue = tmp_path / "catalogue" / "city.csv"  # kept outside the library, given once
    catalogue.parent.mkdir()
    catalogue.write_text(
        "path,title,license,attribution\n"
        f"{root / 'city' / 'traffic.mp4'},Rush hour traffic,CC0-1.0,City Desk\n"
    )
    expected = {"harbour.mp4": HARBOUR, "city/traffic.mp4": TRAFFIC}

    run_index(settings, db, channels, IndexRequest([root], manifests=[root / "manifest.csv", catalogue]))
    assert _stored(db) == expected

    # `montage index DIR --full` / POST /v1/library/reindex {"full": true}: no manifest given.
    full = run_index(settings, db, channels, IndexRequest([root], full=True))
    assert full.indexed == 2
    assert _stored(db) == expected

    # An incremental run of a subfolder, which holds no manifest itself.
    run_index(settings, db, channels, IndexRequest([root / "city"]))
    assert _stored(db) == expected

    # A newer manifest changes what it gives, and only that.
    (root / "manifest.csv").write_text("path,license\nharbour.mp4,CC0-1.0\ncity/traffic.mp4,CC-BY-SA-4.0\n")
    run_index(settings, db, channels, IndexRequest([root]))
    assert _stored(db) == {
        "harbour.mp4": {**HARBOUR, "license": "CC0-1.0"},
        "city/traffic.mp4": {**TRAFFIC, "license": "CC-BY-SA-4.0"},
    }
    (root / "manifest.csv").write_text("path,title\nharbour.mp4,Harbour at dusk\n")
    report = run_index(settings, db, channels, IndexRequest([root], full=True))
    assert report.manifest_problems == []
    assert _stored(db)["harbour.mp4"] == {**HARBOUR, "title": "Harbour at dusk", "license": "CC0-1.0"}
