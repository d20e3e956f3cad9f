"""The pretrained table read from open_clip's source equals the one open_clip builds when imported."""

from __future__ import annotations

from typing import Any

import pytest

from montage.embedding.open_clip_tags import pretrained_source, pretrained_table


@pytest.mark.slow  # imports open_clip (and torch)
def test_parsed_table_matches_open_clip() -> None:
    from open_clip.pretrained import _PRETRAINED

    def sources(table: dict[str, Any]) -> dict[tuple[str, str], tuple[str, str, bool]]:
        return {
            (model, tag): (cfg.get("hf_hub", ""), cfg.get("url", ""), bool(cfg.get("quick_gelu", False)))
            for model, tags in table.items()
            for tag, cfg in tags.items()
        }

    parsed = sources(pretrained_table())
    assert len(parsed) > 100
    assert parsed == sources(_PRETRAINED)


def test_hub_entry_is_split_like_open_clip_does() -> None:
    source = pretrained_source("ViT-B-32", "laion2b_s34b_b79k")
    assert source is not None
    assert (source.hf_repo, source.hf_filename, source.url) == (
        "laion/CLIP-ViT-B-32-laion2B-s34B-b79K",
        "",
        "",
    )
    quick = pretrained_source("ViT-B-32-quickgelu", "OpenAI")  # tag case and dashes are normalised
    assert quick is not None and quick.quick_gelu and quick.url.endswith("/ViT-B-32.pt")
    assert pretrained_source("ViT-B-32", "no_such_tag") is None
