"""Descriptive fields: key aliases, tags in every form, language codes, bad values reported."""

from __future__ import annotations

from indexer.library_text.fields import TextFields, canonical_key, fields_from_mapping, parse_tags


def test_parse_tags_forms() -> None:
    assert parse_tags("a; b ;c") == ("a", "b", "c")
    assert parse_tags("a, b, A") == ("a", "b")
    assert parse_tags('["x, y", "z"]') == ("x, y", "z")
    assert parse_tags(["#sunset", "  golden   hour "]) == ("sunset", "golden hour")
    assert parse_tags("[broken, json") == ("broken", "json")
    assert parse_tags(None) == ()


def test_canonical_keys_and_aliases() -> None:
    assert canonical_key("\ufeffLicence") == "license"
    assert canonical_key(" Source-URL ") == "source"
    assert canonical_key("file name") == "path"
    assert canonical_key("colour") is None


def test_fields_from_mapping_keeps_good_fields_and_reports_bad_ones() -> None:
    fields, path, problems = fields_from_mapping(
        {"File": "a.mp4", "Title": "  Harbour \n at dawn ", "lang": "English", "credit": ["x"], "year": 2020}
    )
    assert path == "a.mp4"
    assert fields.title == "Harbour at dawn"
    assert fields.language is None and fields.attribution is None
    assert any(p.startswith("language ignored") for p in problems)
    assert any(p.startswith("attribution ignored") for p in problems)
    assert fields_from_mapping({"lang": "pt_BR"})[0].language == "pt-br"


def test_json_round_trip_and_over() -> None:
    fields = TextFields(title="Harbour", tags=("boat", "sea"), license="CC0-1.0")
    assert fields.to_json() == {"title": "Harbour", "tags": ["boat", "sea"], "license": "CC0-1.0"}
    assert TextFields.from_json(fields.to_json()) == fields
    earlier = TextFields(title="Old", description="Boats.", attribution="Jane")
    assert fields.over(earlier) == TextFields(
        title="Harbour", description="Boats.", tags=("boat", "sea"), license="CC0-1.0", attribution="Jane"
    )
