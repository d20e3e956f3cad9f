"""B-roll for a sentence with nothing specific to show: footage described like the footage the story's
other sentences show, even when the headline (here in Chinese, against English descriptions) finds none."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import montage.pipeline.make as make_module
from montage.timeline.model import Timeline

from .conftest import IndexedLibrary, index_manifest_library

SIGNS = ["milk", "bird", "night", "school"]
LIBRARY = {
    **{
        f"signs/{word}.mp4": (
            f'Sign language: "{word}"',
            f"A woman in a dark top signs the word '{word}' in American Sign Language against a grey wall.",
            f"sign language;asl;signing;{word}",
            [("red" if i % 2 else "blue", 2.0)],
        )
        for i, word in enumerate(SIGNS)
    },
    "market.mp4": (
        "Street market",
        "Shoppers buy fresh fruit and vegetables at a street market.",
        "market;fruit;vegetables;shopping",
        [("testsrc", 4.0), ("mandel", 4.0)],
    ),
}
ARTICLE = """# 公司的新课程

老师先教大家怎么用手语表示“牛奶”。

公司计划明年把课程推广到所有部门，报名人数已经超过两百人。
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IndexedLibrary]:
    indexed = index_manifest_library(tmp_path_factory.mktemp("story-broll"), LIBRARY)
    yield indexed
    indexed.db.engine.dispose()


def _make(library: IndexedLibrary, out: Path) -> Timeline:
    return library.dry_run_timeline(ARTICLE, out)


def _closing(timeline: Timeline) -> list[tuple[str, str | None]]:
    return [
        (s.fill, None if s.shot is None else Path(s.shot.path).name)
        for s in timeline.segments
        if "两百人" in s.sentence
    ]


def test_a_sentence_with_nothing_to_show_gets_footage_like_the_storys(
    library: IndexedLibrary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    timeline = _make(library, tmp_path / "with")
    milk = [s for s in timeline.segments if "牛奶" in s.sentence]
    assert milk and milk[0].shot is not None and Path(milk[0].shot.path).name == "milk.mp4"
    closing = _closing(timeline)
    assert closing and closing[0][0] == "broll"
    assert all(fill == "card" or clip in {f"{word}.mp4" for word in SIGNS[1:]} for fill, clip in closing)
    assert all(clip != "market.mp4" for _, clip in closing)  # footage unrelated to the story never shows

    # Without the story's footage as B-roll queries the Chinese headline finds nothing: a card.
    monkeypatch.setattr(make_module, "story_footage_texts", lambda *args: [])
    assert [fill for fill, _ in _closing(_make(library, tmp_path / "without"))] == ["card"]
