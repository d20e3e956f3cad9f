"""B-roll for a sentence with nothing specific to show: footage described like the footage the story's
other sentences show, even when the headline (here in Chinese, against English descriptions) finds none —
but never other clips of named things (other signs), which a viewer would read as what they show."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
    "classroom.mp4": (
        "Students in a classroom",
        "Young people sit at white desks on blue chairs in a classroom, facing the teacher.",
        "classroom;students;school;education;chairs",
        [("bars", 4.0)],
    ),
    "seminar.mp4": (
        "Trainees in a seminar room",
        "Trainees sit on rows of blue chairs in a seminar room and listen to a trainer.",
        "seminar;training;students;classroom;chairs",
        [("noise", 8.0)],
    ),
    "market.mp4": (
        "Street market",
        "Shoppers buy fresh fruit and vegetables at a street market.",
        "market;fruit;vegetables;shopping",
        [("testsrc", 4.0), ("mandel", 4.0)],
    ),
}
ARTICLE = """# 公司的新课程

老师先教大家怎么用手语表示“牛奶”。

员工们在一间摆着蓝色椅子和白色桌子的教室里上课。

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
    assert closing and closing[0] == ("broll", "seminar.mp4"), closing  # like the classroom footage
    assert all(fill == "card" or clip == "seminar.mp4" for fill, clip in closing), closing
    # never another sign (it would read as that word), nor footage unrelated to the story
    shown = {Path(s.shot.path).name for s in timeline.segments if s.shot is not None}
    assert shown.isdisjoint({f"{word}.mp4" for word in SIGNS[1:]} | {"market.mp4"}), shown

    # The queries: the classroom sentence lends its footage's description; the "milk" sentence does not,
    # since footage described like a named sign is other signs.
    lent: list[list[str]] = []
    real = make_module.story_footage_texts

    def recording(*args: Any, **kwargs: Any) -> list[str]:
        lent.append(real(*args, **kwargs))
        return lent[-1]

    monkeypatch.setattr(make_module, "story_footage_texts", recording)
    _make(library, tmp_path / "recorded")
    (texts,) = lent
    assert any("classroom" in text for text in texts), texts
    assert not any("Sign language" in text for text in texts), texts
