"""Library manifests in CSV and JSON: good rows load, bad rows are reported with their line and skipped."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from indexer.library_text.manifest import Manifest, find_manifest, load_manifest
from montage.errors import InputError

HEADER = "path,title,description,tags,language,license,attribution,source\n"


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.shared_footage
def test_shared_manifest_every_row_loads(shared_footage: Path) -> None:
    manifest_path = shared_footage / "manifest.csv"
    with manifest_path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    manifest = load_manifest(manifest_path)

    assert manifest.problems == []
    assert len(manifest) == len(rows) > 0
    assert manifest.missing_files() == []
    for row in rows:
        entry = manifest.get(shared_footage / row["path"])
        assert entry is not None, row["path"]
        assert entry.path == (shared_footage / row["path"]).resolve()
        assert entry.title == row["title"]
        assert entry.tags == tuple(t.strip() for t in row["tags"].split(";"))
        assert entry.language == "en"
        assert entry.source == row["source"]
    car = manifest.get(shared_footage / "intel" / "car-detection.mp4")
    assert car is not None
    assert car.tags[:3] == ("car", "parking lot", "traffic")
    assert car.license == "CC-BY-4.0"
    assert car.attribution == "Intel Corporation sample-videos"
    intel = [e for e in manifest.entries.values() if "/intel/" in e.path.as_posix()]
    assert intel and all(e.license == "CC-BY-4.0" and e.attribution for e in intel)


def test_csv_bom_quoted_commas_multiline_and_paths(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "abs.mp4"
    text = (
        "\ufeff"
        + HEADER
        + 'clips/a.mp4,"Harbour, at dawn","Boats, gulls and ""fog"".",'
        + "boat;harbour; dawn ;;Boat,en,CC-BY-4.0,Jane,\n"
        + 'clips/sub/../b.mp4,Two lines,"first line\nsecond line","[""x"", ""y""]",EN_gb,,,\n'
        + f"{elsewhere},Absolute,,tag1,tag2 ignored?,,,\n"
    )
    manifest_path = _write(tmp_path / "lib" / "manifest.csv", text.replace("\n", "\r\n"))

    manifest = load_manifest(manifest_path)

    a = manifest.get(tmp_path / "lib" / "clips" / "a.mp4")
    assert a is not None
    assert (a.title, a.description) == ("Harbour, at dawn", 'Boats, gulls and "fog".')
    assert a.tags == ("boat", "harbour", "dawn")
    assert (a.license, a.attribution, a.source, a.line) == ("CC-BY-4.0", "Jane", None, 2)
    b = manifest.get(tmp_path / "lib" / "clips" / "b.mp4")
    assert b is not None
    assert b.description == "first line second line"
    assert b.tags == ("x", "y")
    assert b.language == "en-gb"
    assert b.license is None
    # The absolute row has 8 fields: its bad language is reported and ignored, the row is kept.
    absolute = manifest.get(elsewhere)
    assert absolute is not None and absolute.line == 5 and absolute.language is None
    assert [(p.line, "language" in p.reason) for p in manifest.problems] == [(5, True)]


def test_csv_malformed_rows_are_reported_and_skipped(tmp_path: Path) -> None:
    text = (
        HEADER
        + "good.mp4,Good,,,,,,\n"
        + "bad.mp4,Unquoted, comma,in,the,description,row,here,extra\n"
        + ",No path,,,,,,\n"
        + "\n"
        + "# a comment row\n"
        + "good.mp4,Duplicate,,,,,,\n"
        + "short.mp4,Only two fields\n"
    )
    manifest = load_manifest(_write(tmp_path / "m.csv", text))

    assert sorted(e.path.name for e in manifest.entries.values()) == ["good.mp4", "short.mp4"]
    reasons = {p.line: p.reason for p in manifest.problems}
    assert set(reasons) == {3, 4, 7}
    assert "9 fields" in reasons[3]
    assert "no path" in reasons[4]
    assert "duplicate" in reasons[7] and "line 2" in reasons[7]
    assert str(manifest.problems[0]).startswith("line 3: ")


@pytest.mark.reliability
def test_rows_whose_path_leaves_the_manifest_folder_are_reported(tmp_path: Path) -> None:
    """Issue 10: such a row was silently skipped."""
    text = HEADER + "clips/a.mp4,A,,,,,,\n../../../etc/passwd,Escape,,,,,,\n~nonexistentuser/b.mp4,B,,,,,,\n"
    manifest = load_manifest(_write(tmp_path / "lib" / "manifest.csv", text))
    assert [e.path.name for e in manifest.entries.values()] == ["a.mp4"]
    reasons = {p.line: p.reason for p in manifest.problems}
    assert "leaves the manifest's folder" in reasons[3]
    assert "cannot be resolved" in reasons[4]


def test_csv_semicolons_tabs_and_aliases(tmp_path: Path) -> None:
    semicolon = _write(tmp_path / "semi.csv", "File;Name;Keywords;Licence\nx.mov;Ex;a, b;CC0\n", "cp1252")
    tabbed = _write(
        tmp_path / "tabs.tsv", "filename\ttitle\tdescription\ny.mkv\tWhy\tcafé au lait\n", "cp1252"
    )

    x = load_manifest(semicolon).get(tmp_path / "x.mov")
    y = load_manifest(tabbed).get(tmp_path / "y.mkv")

    assert x is not None and (x.title, x.tags, x.license) == ("Ex", ("a", "b"), "CC0")
    assert y is not None and y.description == "café au lait"


def test_csv_without_path_column_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no 'path' column"):
        load_manifest(_write(tmp_path / "m.csv", "title,description\nA,B\n"))


def test_json_list_with_line_numbers(tmp_path: Path) -> None:
    text = """[
  {"path": "a.mp4", "title": "A", "tags": ["one", "two", "one"], "license": "CC-BY-4.0"},
  "not an object",
  {
    "title": "no path"
  },
  {"file": "sub/b.webm", "description": 42, "tags": "x;y", "language": 7, "attribution": {"bad": 1}}
]
"""
    manifest = load_manifest(_write(tmp_path / "manifest.json", text))

    a = manifest.get(tmp_path / "a.mp4")
    b = manifest.get(tmp_path / "sub" / "b.webm")
    assert a is not None and a.tags == ("one", "two") and a.line == 2
    assert b is not None and b.description == "42" and b.tags == ("x", "y") and b.line == 7
    assert b.attribution is None
    assert [(p.line, p.reason.split(" ")[0]) for p in manifest.problems] == [
        (3, "entry"),
        (4, "no"),
        (7, "language"),
        (7, "attribution"),
    ]


def test_json_wrapped_and_mapping_forms(tmp_path: Path) -> None:
    wrapped = {"version": 1, "clips": [{"path": "w.mp4", "title": "W"}]}
    mapping = {"m.mp4": {"title": "M", "tags": ["t"]}, "n.mp4": ["oops"]}
    wrapped_manifest = load_manifest(_write(tmp_path / "w.json", json.dumps(wrapped, indent=2)))
    mapping_manifest = load_manifest(_write(tmp_path / "m.json", json.dumps(mapping, indent=2)))

    w = wrapped_manifest.get(tmp_path / "w.mp4")
    assert w is not None and w.title == "W" and w.line == 4
    m = mapping_manifest.get(tmp_path / "m.mp4")
    assert m is not None and m.tags == ("t",) and m.line == 2
    assert [p.line for p in mapping_manifest.problems] == [8]


def test_unusable_manifest_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not valid JSON \\(line 2"):
        load_manifest(_write(tmp_path / "broken.json", '[\n{"path": }\n]'))
    with pytest.raises(InputError, match="list of entries"):
        load_manifest(_write(tmp_path / "scalar.json", '"just a string"'))
    with pytest.raises(InputError, match=r"\.csv or \.json"):
        load_manifest(_write(tmp_path / "m.yaml", "path: x"))
    with pytest.raises(InputError, match="Cannot read manifest"):
        load_manifest(tmp_path / "missing.csv")


def test_merged_with_keeps_first_entries(tmp_path: Path) -> None:
    first = load_manifest(_write(tmp_path / "one.csv", "path,title\na.mp4,First\n"))
    second = load_manifest(_write(tmp_path / "two.csv", "path,title\na.mp4,Second\nb.mp4,B\n,\n"))

    merged = first.merged_with(second)

    assert isinstance(merged, Manifest)
    assert [(e.path.name, e.title) for e in merged.entries.values()] == [("a.mp4", "First"), ("b.mp4", "B")]
    assert len(first) == 1  # the inputs are not modified


def test_find_manifest_case_insensitive(tmp_path: Path) -> None:
    assert find_manifest(tmp_path) is None
    _write(tmp_path / "Manifest.JSON", "[]")
    found = find_manifest(tmp_path)
    assert found is not None and found.name == "Manifest.JSON"
