"""Read the rows of a CSV or JSON manifest as raw mappings, each with the line it starts on.

CSV: the separator (``,`` ``;`` or tab) is detected from the header; blank and ``#`` rows are skipped; a
row with more fields than the header is reported and skipped; a syntax error stops reading (reported).
JSON: a list of objects, an object holding such a list (``entries``/``clips``/``videos``/``items``/
``files``), or an object mapping each path to its object; line numbers come from the element offsets.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from indexer.library_text.fields import canonical_key
from montage.errors import InputError

Row = tuple[int, dict[str, object]]
"""One raw manifest row: the line it starts on and its keys/values as written."""


@dataclass(frozen=True)
class ManifestProblem:
    """A manifest row (or field) that could not be used, with the line it starts on."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


def csv_rows(text: str, path: Path, problems: list[ManifestProblem]) -> list[Row]:
    """Return the rows of a CSV manifest; rows that cannot be used are added to ``problems``.

    Raises:
        InputError: the header is unreadable or has no path column.
    """
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return []
    except csv.Error as exc:
        raise InputError(f"Manifest {path} has an unreadable header: {exc}") from exc
    keys = [cell.strip() for cell in header]
    if not any(canonical_key(key) == "path" for key in keys):
        raise InputError(f"Manifest {path} has no 'path' column (columns: {', '.join(keys) or 'none'})")
    rows: list[Row] = []
    previous_line = reader.line_num
    while True:
        start_line = previous_line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(ManifestProblem(start_line, f"CSV syntax error ({exc}); rest of file ignored"))
            break
        previous_line = reader.line_num
        if not any(cell.strip() for cell in cells) or cells[0].lstrip().startswith("#"):
            continue
        if len(cells) > len(keys):
            reason = f"{len(cells)} fields but the header has {len(keys)} (unquoted separator?); row skipped"
            problems.append(ManifestProblem(start_line, reason))
            continue
        rows.append((start_line, dict(zip(keys, cells, strict=False))))
    return rows


_JSON_LIST_KEYS = ("entries", "clips", "videos", "items", "files")


def json_rows(text: str, path: Path, problems: list[ManifestProblem]) -> list[Row]:
    """Return the rows of a JSON manifest (mapping form: the key is the path); non-objects go to ``problems``.

    Raises:
        InputError: the text is not valid JSON or holds neither a list nor an object of entries.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"Manifest {path} is not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    start = _skip_whitespace(text, 0)
    items: list[tuple[int, object, str | None]]  # (offset, value, path key when mapping form)
    if isinstance(document, list):
        items = [(off, val, None) for off, val in zip(_array_offsets(text, start), document, strict=True)]
    elif isinstance(document, dict):
        list_key = next((k for k in _JSON_LIST_KEYS if isinstance(document.get(k), list)), None)
        offsets = _object_value_offsets(text, start)
        if list_key is not None:
            values = document[list_key]
            items = [
                (o, v, None) for o, v in zip(_array_offsets(text, offsets[list_key]), values, strict=True)
            ]
        else:
            items = [(offsets[key], value, key) for key, value in document.items()]
    else:
        raise InputError(f"Manifest {path} must hold a list of entries or an object of entries")
    rows: list[Row] = []
    for offset, value, key in items:
        line = text.count("\n", 0, offset) + 1
        if not isinstance(value, dict):
            problems.append(ManifestProblem(line, "entry is not an object; skipped"))
            continue
        row: dict[str, object] = dict(value)
        if key is not None:
            row = {"path": key, **{k: v for k, v in row.items() if canonical_key(k) != "path"}}
        rows.append((line, row))
    return rows


def _skip_whitespace(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


def _array_offsets(text: str, start: int) -> list[int]:
    """Offsets of the elements of the (valid) JSON array starting at ``text[start] == '['``."""
    decoder = json.JSONDecoder()
    offsets: list[int] = []
    index = _skip_whitespace(text, start + 1)
    while text[index] != "]":
        offsets.append(index)
        _, index = decoder.raw_decode(text, index)
        index = _skip_whitespace(text, index)
        if text[index] == ",":
            index = _skip_whitespace(text, index + 1)
    return offsets


def _object_value_offsets(text: str, start: int) -> dict[str, int]:
    """Offsets of the member values of the (valid) JSON object starting at ``text[start] == '{'``."""
    decoder = json.JSONDecoder()
    offsets: dict[str, int] = {}
    index = _skip_whitespace(text, start + 1)
    while text[index] != "}":
        key, index = decoder.raw_decode(text, index)
        index = _skip_whitespace(text, _skip_whitespace(text, index) + 1)  # past ':'
        offsets[str(key)] = index
        _, index = decoder.raw_decode(text, index)
        index = _skip_whitespace(text, index)
        if text[index] == ",":
            index = _skip_whitespace(text, index + 1)
    return offsets
