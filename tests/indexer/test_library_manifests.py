"""A library's manifests found by name and loaded; current manifest fields laid over remembered ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.library_manifests import LibraryManifests, load_manifests, manifest_files
from indexer.library_text.fields import TextFields
from indexer.library_text.manifest import load_manifest
from montage.errors import InputError


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_manifests_are_found_from_the_requested_folder_up_to_its_library_root(tmp_path: Path) -> None:
    root = tmp_path / "library"
    top = _write(root / "manifest.csv", "path\n")
    mid = _write(root / "news" / "Manifest.JSON", "[]")
    _write(tmp_path / "manifest.csv", "path\n")  # above the library root: not the library's
    deep = root / "news" / "2026"
    deep.mkdir()
    given = _write(tmp_path / "extra.csv", "path\n")

    explicit, found = manifest_files([given, given], [deep], [root])
    assert explicit == [given.resolve()]
    assert found == [mid.resolve(), top.resolve()]
    # Without a configured library root only the requested folder itself is searched.
    assert manifest_files([], [deep], []) == ([], [])
    assert manifest_files([], [root / "news"], []) == ([], [mid.resolve()])
    # A manifest given explicitly is not loaded a second time as a found one.
    assert manifest_files([top], [root], [root]) == ([top.resolve()], [])


def test_an_unreadable_found_manifest_is_reported_but_an_explicit_one_is_an_error(tmp_path: Path) -> None:
    broken = _write(tmp_path / "manifest.csv", "title\nno path column\n")
    good = _write(tmp_path / "good.csv", "path,title\na.mp4,A\n")
    problems: list[str] = []

    merged = load_manifests([good.resolve()], [broken.resolve()], problems)

    assert merged is not None and len(merged) == 1
    assert len(problems) == 1 and "no 'path' column" in problems[0] and "skipped" in problems[0]
    with pytest.raises(InputError):
        load_manifests([broken.resolve()], [], [])


def test_current_manifest_fields_lie_over_remembered_ones(tmp_path: Path) -> None:
    manifest = load_manifest(_write(tmp_path / "manifest.csv", "path,license\na.mp4,CC0-1.0\n"))
    a, b, c = (tmp_path / name for name in ("a.mp4", "b.mp4", "c.mp4"))
    remembered = {
        a.resolve(): TextFields(title="A", license="CC-BY-4.0"),
        b.resolve(): TextFields(title="B"),
    }
    lookup = LibraryManifests(manifest, remembered)

    assert lookup.get(a) == TextFields(title="A", license="CC0-1.0")
    assert lookup.get(b) == TextFields(title="B")
    assert lookup.get(c) is None
    assert LibraryManifests().get(a) is None
