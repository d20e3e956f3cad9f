"""Sentence splitting of English and Chinese paragraphs, and the cutting of very long sentences."""

from __future__ import annotations

import math

import pytest

from montage.article.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Smith met Dr. Jones at 10 a.m. on Monday. They talked for 3.5 hours.",
            ["Mr. Smith met Dr. Jones at 10 a.m. on Monday.", "They talked for 3.5 hours."],
        ),
        (
            "The U.S. economy grew last year. Growth in the U.S. The rest of the world lagged.",
            ["The U.S. economy grew last year.", "Growth in the U.S.", "The rest of the world lagged."],
        ),
        (
            "Bring fruit, e.g. apples and pears. Avoid sweets, i.e. anything with sugar.",
            ["Bring fruit, e.g. apples and pears.", "Avoid sweets, i.e. anything with sugar."],
        ),
        (
            'He said, "We are done." Then he left. "Why?" she asked.',
            ['He said, "We are done."', "Then he left.", '"Why?" she asked.'],
        ),
        (
            "“Stop!” he shouted. Then he ran.",
            ["“Stop!” he shouted.", "Then he ran."],  # lower case after the quote: same sentence
        ),
        (
            "She wrote “It is over.” Everyone went home.",
            ["She wrote “It is over.”", "Everyone went home."],
        ),
        (
            "Wait... What happened? Nobody knows! The end…",
            ["Wait...", "What happened?", "Nobody knows!", "The end…"],
        ),
        (
            "The price was 3.5 dollars... and then it fell to 2.75.",
            ["The price was 3.5 dollars... and then it fell to 2.75."],
        ),
        (
            "John F. Kennedy spoke in 1963. It was Plan B. The plan failed.",
            ["John F. Kennedy spoke in 1963.", "It was Plan B.", "The plan failed."],
        ),
        (
            "Apple Inc. reported results. Acme Inc. The company said nothing.",
            ["Apple Inc. reported results.", "Acme Inc.", "The company said nothing."],
        ),
        (
            "See No. 5 and Fig. 2 in the report. It was published on Jan. 6 last year.",
            ["See No. 5 and Fig. 2 in the report.", "It was published on Jan. 6 last year."],
        ),
        (
            "Prices rose (by 5%.) Sales fell (again!) The board met [late.] Done.",
            ["Prices rose (by 5%.)", "Sales fell (again!)", "The board met [late.]", "Done."],
        ),
    ],
)
def test_english(text: str, expected: list[str]) -> None:
    assert split_sentences(text, "en") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天天气很好。我们去公园吧！你去吗？", ["今天天气很好。", "我们去公园吧！", "你去吗？"]),
        (
            "他说：“我不去。”然后走了。",
            ["他说：“我不去。”", "然后走了。"],
        ),
        ("「你好！」她笑着说。（完）", ["「你好！」", "她笑着说。", "（完）"]),
        ("第一点；第二点……第三点。", ["第一点；", "第二点……", "第三点。"]),
        ("真的吗？！太好了。", ["真的吗？！", "太好了。"]),
        ("太好了!我们走吧?好的", ["太好了!", "我们走吧?", "好的"]),
        ("价格为3.5元，比去年高。", ["价格为3.5元，比去年高。"]),
        ("他用iPhone 15拍照。Apple Inc. 是美国公司。", ["他用iPhone 15拍照。", "Apple Inc. 是美国公司。"]),
    ],
)
def test_chinese(text: str, expected: list[str]) -> None:
    assert split_sentences(text, "zh") == expected


def test_english_does_not_split_on_semicolons_but_chinese_does() -> None:
    assert split_sentences("It rained; we stayed in.", "en") == ["It rained; we stayed in."]
    assert split_sentences("下雨了；我们待在家里。", "zh") == ["下雨了；", "我们待在家里。"]


def test_long_english_sentence_is_cut_at_commas_into_even_pieces() -> None:
    clauses = [f"clause number {n} adds a few more words to the sentence" for n in range(14)]
    sentence = ", ".join(clauses) + "."
    assert len(sentence) > 300
    pieces = split_sentences(sentence, "en", max_chars=300)
    assert len(pieces) == math.ceil(len(sentence) / 300) == 3
    assert all(len(piece) <= 300 for piece in pieces)
    assert all(piece.endswith((",", ".")) for piece in pieces)
    assert " ".join(pieces) == sentence
    assert max(map(len, pieces)) - min(map(len, pieces)) < 80  # even, not 300 + 300 + rest


def test_long_chinese_sentence_is_cut_at_chinese_commas() -> None:
    sentence = "，".join(["研究人员在长江中游采集了许多样本"] * 30) + "。"
    pieces = split_sentences(sentence, "zh", max_chars=100)
    assert all(len(piece) <= 100 for piece in pieces)
    assert all(piece.endswith(("，", "。")) for piece in pieces)
    assert "".join(pieces) == sentence


def test_long_sentence_without_commas_falls_back_to_spaces_then_hard_cuts() -> None:
    words = " ".join(["word"] * 100)
    pieces = split_sentences(words, "en", max_chars=50)
    assert all(len(piece) <= 50 for piece in pieces)
    assert " ".join(pieces) == words
    han = "长" * 250
    pieces = split_sentences(han, "zh", max_chars=100)
    assert [len(piece) for piece in pieces] == [100, 100, 50]


def test_a_thousand_digit_grouping_comma_is_not_a_clause_end() -> None:
    sentence = "The city spent 1,000,000 dollars " + "and more " * 10 + "on parks, roads and schools."
    pieces = split_sentences(sentence, "en", max_chars=60)
    assert all("1,000,000" in piece or "1," not in piece for piece in pieces)
