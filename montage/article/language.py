"""Language detection: a script rule for CJK text, py3langid for the rest."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from montage.text.scripts import count_han, count_hangul, count_kana

SUPPORTED_LANGUAGES: frozenset[str] = frozenset({"en", "zh"})
"""Languages montage can narrate end to end. Other detected codes are returned; the caller decides."""

UNDETERMINED = "und"

_SAMPLE_CHARS = 20_000
_MIN_HAN_SHARE = 0.3  # of all letters; a Han character carries about as much as a whole Latin word
_MIN_KANA_SHARE = 0.1  # of Han + kana: Japanese mixes kana into every sentence, Chinese has none
_MIN_HANGUL_SHARE = 0.3
# py3langid knows 97 languages, many of them rare; on short English text it happily answers "pcm" or
# "bcl". Choosing among widely written languages only makes its answers far more dependable.
_CANDIDATE_CODES = (
    "ar bg bn ca cs da de el en es et fa fi fr he hi hr hu id it ja ko lt lv ms nl no pl pt ro ru sk sl sr "
    "sv ta th tr uk ur vi zh"
)
CANDIDATE_LANGUAGES: tuple[str, ...] = tuple(_CANDIDATE_CODES.split())
_MIN_CONFIDENCE = 0.5


def detect_language(text: str) -> str:
    """Return the language code of ``text`` (ISO 639-1 where one exists, e.g. "en", "zh", "fr").

    Text mostly written in Han characters is "zh" (or "ja" when it carries kana); Hangul is "ko";
    anything else goes to py3langid, choosing among ``CANDIDATE_LANGUAGES``. Text without letters is
    "und". When the model is unsure (probability < 0.5) of a pure-ASCII text, which happens with a few
    words, English is assumed. Short texts can still be misjudged: set ``ArticleOptions.language``.
    """
    sample = text[:_SAMPLE_CHARS]
    letters = sum(1 for char in sample if char.isalpha())
    if letters == 0:
        return UNDETERMINED
    han = count_han(sample)
    kana = count_kana(sample)
    if han + kana >= _MIN_HAN_SHARE * letters and han + kana > 0:
        return "ja" if kana > _MIN_KANA_SHARE * (han + kana) else "zh"
    if count_hangul(sample) >= _MIN_HANGUL_SHARE * letters:
        return "ko"
    return _langid_classify(sample)


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(CANDIDATE_LANGUAGES))
    return identifier


def _langid_classify(text: str) -> str:
    code, probability = _identifier().classify(text)
    if probability < _MIN_CONFIDENCE and text.isascii():
        return "en"  # a few plain ASCII words the model cannot place ("Hello.", "The cat sat.")
    return str(code)
