"""Descriptive fields from container metadata tags."""

from __future__ import annotations

from indexer.library_text.container_tags import fields_from_container_tags


def test_container_tags_ignore_encoder_banners_and_file_name_titles() -> None:
    fields = fields_from_container_tags(
        {"title": "clip_0001", "comment": "Lavf60.3.100", "description": "", "language": "und"},
        "clip_0001.mp4",
    )
    assert fields.title is None and fields.description is None and fields.language is None
