"""Bytes → text, the one decoder in montage: binary detection, charset choice and sanity checks.

Articles (uploaded, downloaded or read from a file) and a library's small text files (subtitles, sidecar
descriptions, manifests) are decoded here. The charset comes from a byte-order mark, a declared charset
(HTTP header), an HTML ``<meta>`` charset, strict UTF-8, then charset-normalizer's detection; bytes that
are not text raise :class:`NotTextError` (callers turn it into their own error or a warning).
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer


class NotTextError(ValueError):
    """The bytes are not usable text; the message says why in words a user understands."""


class BinaryDataError(NotTextError):
    """The bytes are binary data (NUL bytes, a known binary file signature, mostly control characters)."""


class UndecodableBytesError(NotTextError):
    """The bytes cannot be decoded sensibly in any text encoding (or the text is full of U+FFFD)."""


_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"RIFF", "a RIFF (WAV/AVI/WebP) file"),
    (b"ID3", "an MP3 file"),
    (b"OggS", "an Ogg file"),
    (b"\x1aE\xdf\xa3", "a Matroska/WebM file"),
    (b"\x7fELF", "an executable"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
)
# WHATWG encoding rules: labels browsers decode with a superset codec.
_CODEC_SUPERSETS = {
    "ascii": "cp1252",
    "latin_1": "cp1252",
    "iso8859_1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
}
# Preferred codecs when charset-normalizer finds several equally good decodings.
_PREFERRED = ("utf_8", "cp1252", "gb18030", "big5hkscs", "big5", "shift_jis", "euc_jp", "euc_kr", "cp1251")
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# C0 and C1 control characters except tab, line feed, vertical tab, form feed and carriage return.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_MAX_CONTROL_RATIO = 0.05
_MAX_REPLACEMENT_RATIO = 0.02
_MAX_CHAOS = 0.25


def _codec_name(label: str) -> str | None:
    """Python codec name of a charset label (with browser supersets), or None when unknown."""
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name.replace("-", "_")
    except (LookupError, ValueError):
        return None
    return _CODEC_SUPERSETS.get(name, name)


def _is_single_byte(label: str | None) -> bool:
    codec = _codec_name(label) if label else None
    return codec is not None and (codec.startswith(("cp125", "iso8859", "latin")) or codec == "ascii")


def html_meta_charset(data: bytes) -> str | None:
    """The charset declared by a ``<meta charset>`` / ``http-equiv`` tag in the first 4 KiB of HTML."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _refuse_binary_signature(data: bytes) -> None:
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise BinaryDataError(f"The input is not text: it looks like {what}.")
    if len(data) >= 12 and data[4:8] == b"ftyp":
        raise BinaryDataError("The input is not text: it looks like an MP4/MOV video.")
    if b"\x00" in data:
        raise BinaryDataError("The input is not text: it contains NUL bytes (binary data).")


def _try_decode(data: bytes, label: str | None) -> str | None:
    codec = _codec_name(label) if label else None
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(data: bytes) -> str:
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise UndecodableBytesError(
            "The input cannot be decoded as text in any known encoding (it may be binary or corrupted)."
        )
    least_chaos = min(match.chaos for match in matches)
    if least_chaos > _MAX_CHAOS:
        raise UndecodableBytesError(
            "The input does not decode to sensible text in any encoding (it looks garbled or binary)."
        )
    best = [match for match in matches if match.chaos == least_chaos]

    def rank(match: charset_normalizer.CharsetMatch) -> tuple[float, int]:
        codec = _CODEC_SUPERSETS.get(match.encoding, match.encoding)
        preference = _PREFERRED.index(codec) if codec in _PREFERRED else len(_PREFERRED)
        return (-match.coherence, preference)

    chosen = min(best, key=rank)
    codec = _CODEC_SUPERSETS.get(chosen.encoding, chosen.encoding)
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return str(chosen)


def decode_bytes(data: bytes, *, declared_charset: str | None = None, html: bool = False) -> str:
    """Decode bytes (an article, a subtitle or sidecar file) to text.

    Order: a byte-order mark; the declared charset (HTTP header); for HTML the ``<meta>`` charset;
    strict UTF-8; then charset-normalizer's detection. A declared charset that fails to decode the bytes is
    ignored (servers often lie). Raises ``BinaryDataError`` for binary data and
    ``UndecodableBytesError`` when no encoding gives sensible text.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise UndecodableBytesError(
                    f"The input starts with a {codec} byte-order mark but is not valid {codec}."
                ) from exc
            check_text_is_sensible(text)
            return text
    _refuse_binary_signature(data)
    utf8 = _try_decode(data, "utf-8")
    for label in (declared_charset, html_meta_charset(data) if html else None):
        decoded = _try_decode(data, label)
        if decoded is None:
            continue
        if utf8 is not None and _is_single_byte(label) and not data.isascii():
            decoded = utf8  # valid multi-byte UTF-8 is never real Latin-1 text: the label is wrong
        check_text_is_sensible(decoded)
        return decoded
    if utf8 is not None:
        check_text_is_sensible(utf8)
        return utf8
    text = _detect(data)
    check_text_is_sensible(text)
    return text


def check_text_is_sensible(text: str) -> None:
    """Refuse text that is binary junk (NUL, mostly control characters) or full of U+FFFD replacements."""
    if "\x00" in text:
        raise BinaryDataError("The input is not text: it contains NUL characters (binary data).")
    if not text:
        return
    controls = len(_CONTROL_CHARS.findall(text))
    if controls >= 3 and controls / len(text) > _MAX_CONTROL_RATIO:
        raise BinaryDataError(
            f"The input is not text: {controls} of its {len(text)} characters are control characters."
        )
    replacements = text.count("\ufffd")
    if replacements >= 3 and replacements / len(text) > _MAX_REPLACEMENT_RATIO:
        raise UndecodableBytesError(
            f"The text holds {replacements} U+FFFD replacement characters: it was decoded with the wrong "
            "encoding. Save it as UTF-8 and try again."
        )
