"""English anchors on the Thames Barrier article: the planted names, numbers and topic are found.

Precision is measured against a hand-made list of every name in the article body (docs/narration.md).
"""

from __future__ import annotations

import pytest

from montage.anchors.english_entities import extract_english_entities, mentioned_entities
from montage.anchors.extract import extract_anchors
from montage.anchors.model import NumberMention
from montage.article.model import Article
from montage.embedding.protocol import TextEmbedder
from montage.narration.summarize import summarize_article
from montage.options.narration import NarrationOptions
from tests.anchors.conftest import full_script

GOLD = {
    "people": {"Amina Okafor", "Helen Carter", "Tom Reynolds", "Daniel Hughes"},
    "organisations": {
        "Environment Agency",
        "University of Reading",
        "Greater London Authority",
        "Thames Water Ltd",
        "Marine Conservation Society",
        "Treasury",
        "Met Office",
    },
    "places": {
        "London",
        "River Thames",
        "Thames Barrier",
        "Woolwich",
        "North Sea",
        "Kent",
        "Essex",
        "City Hall",
        "Thames Estuary",
        "Rotterdam",
        "Netherlands",
        "Oxford",
        "Greenwich",
        "England",
        "Maeslantkering",
    },
}


def test_planted_people_organisations_and_places_are_found(article_en: Article) -> None:
    anchors = extract_anchors(full_script(article_en), article_en)
    assert {"Amina Okafor", "Helen Carter", "Tom Reynolds", "Daniel Hughes"} <= set(anchors.people)
    assert {"Environment Agency", "University of Reading", "Thames Water Ltd", "Met Office"} <= set(
        anchors.organisations
    )
    assert {"London", "Rotterdam", "Netherlands", "Kent", "Essex", "Oxford"} <= set(anchors.places)
    assert anchors.people[0] == "Amina Okafor"  # order of first appearance


def test_precision_against_every_name_in_the_article(article_en: Article) -> None:
    anchors = extract_anchors(full_script(article_en), article_en)
    found = {"people": anchors.people, "organisations": anchors.organisations, "places": anchors.places}
    extracted = sum(len(names) for names in found.values())
    correct = sum(len(set(names) & GOLD[kind]) for kind, names in found.items())
    gold = sum(len(names) for names in GOLD.values())
    assert correct / extracted >= 0.9
    assert correct / gold >= 0.85
    everything = {name for names in found.values() for name in names}
    assert not everything & {"Officials", "Insurers", "Dutch", "Engineers", "Residents", "Mayor", "Dr"}


def test_numbers_with_units(article_en: Article) -> None:
    anchors = extract_anchors(full_script(article_en), article_en)
    by_text = {n.text: n for n in anchors.numbers}
    assert by_text["£4.5 billion"].value == 4.5e9 and by_text["£4.5 billion"].unit == "GBP"
    assert by_text["1.3 million people"].value == 1.3e6 and by_text["1.3 million people"].unit == "people"
    assert (by_text["38%"].value, by_text["38%"].unit) == (38.0, "%")
    assert (by_text["12 km"].value, by_text["12 km"].unit) == (12.0, "km")
    assert (by_text["1982"].value, by_text["1982"].unit) == (1982.0, "year")
    assert by_text["£250 million"].value == 2.5e8
    for number in anchors.numbers:
        assert number.text in full_script(article_en).sentences[number.sentence_index].text


def test_topic_and_keyphrases(article_en: Article) -> None:
    anchors = extract_anchors(full_script(article_en), article_en)
    assert anchors.topic == "Thames Barrier"
    texts = [k.text for k in anchors.keyphrases]
    assert "Thames Barrier" in texts[:3] and "flood barrier" in texts[:5]
    assert anchors.keyphrases[0].score == 1.0
    assert all(0 < k.score <= 1 for k in anchors.keyphrases)
    assert len(anchors.paragraph_gists) == len(article_en.paragraphs)
    assert "Thames Barrier" in anchors.paragraph_gists[1]


def test_a_surname_alone_points_to_the_full_name() -> None:
    sentences = ["Dr. Amina Okafor studies rivers.", '"It is rising," Okafor said.', "Okafor is worried."]
    entities = extract_english_entities(sentences)
    assert entities.people == ["Amina Okafor"]
    assert mentioned_entities(sentences[1], entities) == ["Amina Okafor"]


def test_the_longer_name_wins_an_overlap() -> None:
    entities = extract_english_entities(["The Greater London Authority met in London on Monday."])
    assert entities.organisations == ["Greater London Authority"] and entities.places == ["London"]
    assert mentioned_entities("The Greater London Authority said", entities) == ["Greater London Authority"]


def test_cue_words_classify_unknown_names() -> None:
    entities = extract_english_entities(
        [
            "Residents gathered in Tewkesbury after the storm.",
            "The flood was terrible, said Priyanka Ramaswamy, a local teacher.",
            "Acme Widgets Inc will pay for the repairs.",
            "Officials from NASA and the Ministry of Water joined them in March.",
        ]
    )
    assert entities.places == ["Tewkesbury"]
    assert entities.people == ["Priyanka Ramaswamy"]
    assert entities.organisations == ["Acme Widgets Inc", "NASA", "Ministry of Water"]


def test_per_sentence_anchors_follow_the_real_script(embedder: TextEmbedder, article_en: Article) -> None:
    script = summarize_article(article_en, embedder, NarrationOptions(target_duration_s=60))
    anchors = extract_anchors(script, article_en)
    assert [s.index for s in anchors.sentences] == [s.index for s in script.sentences]
    assert all(0.0 <= s.salience <= 1.0 for s in anchors.sentences)
    lead = next(
        s
        for s, line in zip(anchors.sentences, script.sentences, strict=True)
        if line.article_sentence_index == 0
    )
    assert {"Environment Agency", "River Thames", "London"} <= set(lead.entities)
    assert NumberMention("2070", 2070.0, "year", lead.index) in lead.numbers
    assert all(s.keyphrases for s in anchors.sentences)


def test_same_input_same_anchors(article_en: Article) -> None:
    script = full_script(article_en)
    assert extract_anchors(script, article_en).to_json() == extract_anchors(script, article_en).to_json()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It will cost $1.2 billion.", [("$1.2 billion", 1.2e9, "USD")]),
        ("Prices rose 4.5 per cent in 2023.", [("4.5 per cent", 4.5, "%"), ("2023", 2023.0, "year")]),
        ("The wall is 3,200 metres long.", [("3,200 metres", 3200.0, "m")]),
        ("It took three months.", [("three months", 3.0, "months")]),
        ("About 40 of them.", [("40", 40.0, None)]),
    ],
)
def test_english_number_forms(text: str, expected: list[tuple[str, float, str | None]]) -> None:
    from montage.anchors.numbers import english_numbers

    assert [(n.text, n.value, n.unit) for n in english_numbers(text)] == expected


MALARIA = """A new malaria vaccine cut child deaths by a third in trials across Burkina Faso, Kenya and Mali.
The study, led by Professor Halidou Tinto of the Institut de Recherche en Sciences de la Santé, ended.
The World Health Organization said it would review the results at a meeting in Geneva next month.
"This is the result families in Africa have waited decades for," said Tinto.
The vaccine was developed at the University of Oxford and is made by the Serum Institute of India.
Adrian Hill, who directs Oxford's Jenner Institute, said production could reach 100 million doses a year.
Gavi, the vaccine alliance, has set aside $160 million to buy doses for poorer countries.
Health workers in rural Kenya face shortages, warned Dr. Miriam Wanjiru of Médecins Sans Frontières.
Officials in Nigeria, which carries the heaviest burden, hope to begin vaccinations before the rains."""


def test_another_domain_titled_names_with_affiliations_and_accents() -> None:
    """A second, unrelated article: every name found is right; affiliations are split from titled names."""
    entities = extract_english_entities(MALARIA.splitlines())
    assert entities.people == ["Halidou Tinto", "Adrian Hill", "Miriam Wanjiru"]
    assert entities.organisations == [
        "World Health Organization",
        "University of Oxford",
        "Serum Institute of India",
        "Jenner Institute",
    ]
    assert entities.places == ["Burkina Faso", "Kenya", "Mali", "Geneva", "Africa", "Oxford", "Nigeria"]
    assert mentioned_entities(MALARIA.splitlines()[3], entities) == ["Africa", "Halidou Tinto"]
