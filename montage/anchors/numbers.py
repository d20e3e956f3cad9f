"""Numbers with their units in English and Chinese text: "£4.5 billion", "38%", "12 km", "1.2万人"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from montage.relevance.stopwords import ENGLISH_STOPWORDS


@dataclass(frozen=True)
class FoundNumber:
    """A number as written, its value with scale applied, and its unit (None when none follows)."""

    text: str
    value: float
    unit: str | None
    start: int


_CURRENCIES = {"$": "USD", "US$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY"}
_SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "trillion": 1e12,
}
_UNITS = {
    "%": "%",
    "percent": "%",
    "per cent": "%",
    "km": "km",
    "kilometres": "km",
    "kilometers": "km",
    "kilometre": "km",
    "kilometer": "km",
    "miles": "miles",
    "mile": "miles",
    "metres": "m",
    "meters": "m",
    "metre": "m",
    "meter": "m",
    "cm": "cm",
    "mm": "mm",
    "kg": "kg",
    "tonnes": "tonnes",
    "tons": "tonnes",
    "degrees": "degrees",
    "°c": "°C",
    "°f": "°F",
    "mph": "mph",
    "km/h": "km/h",
}
_WORD_NUMBERS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "fifty": 50,
    "hundred": 100,
    "dozen": 12,
}
_TIME_UNITS = {"years", "months", "weeks", "days", "hours", "minutes", "seconds", "decades", "centuries"}

_UNIT_PATTERN = "|".join(sorted((re.escape(u) for u in _UNITS), key=len, reverse=True))
_SCALE_PATTERN = "|".join(sorted(_SCALES, key=len, reverse=True))
_ENGLISH_NUMBER = re.compile(
    rf"(?P<currency>US\$|[$£€¥])?\s?(?P<number>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    rf"(?:\s?(?P<scale>{_SCALE_PATTERN})\b)?"
    rf"(?:\s?(?P<unit>{_UNIT_PATTERN})(?![A-Za-z]))?"
    rf"(?:\s(?P<noun>[a-z][a-z\-]+))?",
    re.IGNORECASE,
)
_WORD_NUMBER = re.compile(
    rf"\b(?P<word>{'|'.join(_WORD_NUMBERS)})\s(?P<unit>{'|'.join(sorted(_TIME_UNITS))})\b", re.IGNORECASE
)
_YEAR = re.compile(r"^(1[5-9]\d\d|20\d\d)$")


def _english_unit(match: re.Match[str]) -> tuple[str | None, int]:
    """The unit of an English number match and where the mention ends."""
    currency = match.group("currency")
    if currency:
        end = match.end("scale") if match.group("scale") else match.end("number")
        return _CURRENCIES[currency.upper()], end
    if match.group("unit"):
        return _UNITS[match.group("unit").lower()], match.end("unit")
    noun = match.group("noun")
    if noun and noun.lower() not in ENGLISH_STOPWORDS:
        return noun.lower(), match.end("noun")
    end = match.end("scale") if match.group("scale") else match.end("number")
    if not match.group("scale") and _YEAR.match(match.group("number")):
        return "year", end
    return None, end


def english_numbers(text: str) -> list[FoundNumber]:
    """Numbers in English text: digits with optional currency, scale word, and unit or counted noun.

    A bare four-digit number between 1500 and 2099 is a year. Spelled-out numbers count only with a time
    unit ("three months").
    """
    found: list[FoundNumber] = []
    for match in _ENGLISH_NUMBER.finditer(text):
        value = float(match.group("number").replace(",", ""))
        scale = match.group("scale")
        if scale:
            value *= _SCALES[scale.lower()]
        unit, end = _english_unit(match)
        start = match.start("currency") if match.group("currency") else match.start("number")
        found.append(FoundNumber(text[start:end], value, unit, start))
    for match in _WORD_NUMBER.finditer(text):
        value = float(_WORD_NUMBERS[match.group("word").lower()])
        found.append(FoundNumber(match.group(0), value, match.group("unit").lower(), match.start()))
    return sorted(found, key=lambda number: number.start)


_CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CHINESE_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_CHINESE_SCALES = {"万": 1e4, "亿": 1e8}
_CHINESE_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
_CHINESE_UNITS = (
    "平方公里|公里|千米|厘米|毫米|米|吨|千克|公斤|人民币|美元|欧元|元|人次|人|户|名|岁|座|次|倍|度|个|家|所|辆|架|艘|台|项|"
    "立方米|毫米|摄氏度"
)
_CHINESE_NUMBER = re.compile(
    rf"(?P<percent>百分之)?(?P<number>\d+(?:\.\d+)?|[{_CHINESE_NUMERAL}]{{2,}})"
    rf"(?P<scale>万亿|千万|百万|万|亿)?(?P<unit>%|％|年(?!代)|{_CHINESE_UNITS})?"
)
_CURRENCY_UNITS = {"元": "CNY", "人民币": "CNY", "美元": "USD", "欧元": "EUR"}


def chinese_numeral_value(numeral: str) -> float:
    """Value of a Chinese numeral such as 三十五, 一百二十, 两千, 三万五千 or 一二三 (digit by digit)."""
    if all(char in _CHINESE_DIGITS for char in numeral):
        return float("".join(str(_CHINESE_DIGITS[char]) for char in numeral))
    total = 0.0
    section = 0.0
    digit = 0.0
    for char in numeral:
        if char in _CHINESE_DIGITS:
            digit = float(_CHINESE_DIGITS[char])
        elif char in _CHINESE_SMALL_UNITS:
            section += (digit or 1.0) * _CHINESE_SMALL_UNITS[char]
            digit = 0.0
        elif char in _CHINESE_SCALES:
            total += (section + digit) * _CHINESE_SCALES[char]
            section = digit = 0.0
    return total + section + digit


def _scale_value(scale: str) -> float:
    value = 1.0
    for char in scale:
        value *= {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2}[char]
    return value


def chinese_numbers(text: str) -> list[FoundNumber]:
    """Numbers in Chinese text: digits or Chinese numerals, with 万/亿 scales and a unit (元, 人, %, 米...).

    ``N年`` with four digits is a year; Chinese numerals need two characters or more (so 一度 or 一年 in
    running text are not numbers), and a numeral with neither scale nor unit is left out.
    """
    found: list[FoundNumber] = []
    for match in _CHINESE_NUMBER.finditer(text):
        raw = match.group("number")
        digits = raw[0].isdigit()
        unit = match.group("unit")
        scale = match.group("scale")
        if not digits and not (unit or scale or match.group("percent")):
            continue
        value = float(raw) if digits else chinese_numeral_value(raw)
        if scale:
            value *= _scale_value(scale)
        if match.group("percent") or unit in ("%", "％"):
            unit = "%"
        elif unit and unit.startswith("年"):
            unit = "year" if digits and len(raw) == 4 and not scale else "年"
        elif unit in _CURRENCY_UNITS:
            unit = _CURRENCY_UNITS[unit]
        found.append(FoundNumber(match.group(0), value, unit, match.start()))
    return found
