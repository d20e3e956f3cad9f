"""The words that describe a piece of footage, gathered from everything the library says about it.

Sources, in precedence order for each field (the first one that gives a non-empty value wins):

1. the library manifest (CSV or JSON, see :func:`load_manifest`),
2. a JSON sidecar beside the video (``NAME.json``),
3. a text sidecar (``NAME.txt``, the description),
4. the container's metadata tags (title, description/comment, keywords, ...),
5. words from the file and folder names (title only).

Subtitles come from a sidecar ``NAME.srt``/``NAME.vtt`` (or ``NAME.<lang>.srt``) first, then from a text
subtitle track inside the container. The result, :class:`SourceText`, builds the text embedded for each
shot (:meth:`SourceText.shot_text`), a digest that changes exactly when that text can change, and a
credit line.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field

from indexer.discover import VIDEO_EXTENSIONS
from indexer.subtitles import Cue, decode_text_file, read_subtitle_file, text_between
from montage.errors import InputError

SHOT_TEXT_VERSION = 1
"""Bumped whenever the way shot text is built changes, so stored text embeddings are recomputed."""

DEFAULT_LICENSE = "unknown"
DEFAULT_SHOT_TEXT_MAX_TOKENS = 480
MANIFEST_NAMES = ("manifest.csv", "manifest.json")


class LibraryTextOptions(BaseModel):
    """How the text describing each shot is gathered (``MONTAGE_LIBRARY_TEXT__*``)."""

    shot_text_max_tokens: int = Field(
        default=DEFAULT_SHOT_TEXT_MAX_TOKENS,
        ge=16,
        le=4096,
        description="Approximate token budget of a shot's text; later parts (subtitles first) are cut.",
    )
    subtitle_languages: list[str] = Field(
        default_factory=lambda: ["en"],
        description="Preferred subtitle languages, best first (sidecar NAME.<lang>.srt and embedded tracks).",
    )
    read_embedded_subtitles: bool = Field(
        default=True, description="Read text subtitle tracks muxed inside the video container."
    )
    embedded_subtitle_timeout_s: float = Field(
        default=60.0, gt=0, description="Time limit for extracting an embedded subtitle track."
    )
    max_sidecar_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="Larger JSON/TXT sidecars are ignored (with a warning)."
    )
    extra_junk_words: list[str] = Field(
        default_factory=list, description="More file-name words to ignore (besides 'final', 'v2', ...)."
    )


# --------------------------------------------------------------------------------------------------------
# Fields shared by manifests, sidecars and container tags
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TextFields:
    """Descriptive fields one source gives about a video; None/empty means "not given"."""

    title: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    language: str | None = None
    license: str | None = None
    attribution: str | None = None
    source: str | None = None


_KEY_ALIASES: dict[str, str] = {
    "path": "path",
    "file": "path",
    "filename": "path",
    "file_name": "path",
    "filepath": "path",
    "file_path": "path",
    "video": "path",
    "clip": "path",
    "title": "title",
    "name": "title",
    "description": "description",
    "desc": "description",
    "caption": "description",
    "summary": "description",
    "tags": "tags",
    "tag": "tags",
    "keywords": "tags",
    "language": "language",
    "lang": "language",
    "license": "license",
    "licence": "license",
    "attribution": "attribution",
    "credit": "attribution",
    "credits": "attribution",
    "author": "attribution",
    "creator": "attribution",
    "source": "source",
    "source_url": "source",
    "url": "source",
    "link": "source",
}
_SPACES = re.compile(r"\s+")
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")


def canonical_key(key: str) -> str | None:
    """Return the field a manifest column / JSON key means (``Licence`` → ``license``), or None."""
    normalised = re.sub(r"[\s\-]+", "_", key.strip().lstrip("\ufeff").lower())
    return _KEY_ALIASES.get(normalised)


def parse_tags(value: object) -> tuple[str, ...]:
    """Split tags given as a JSON list, a JSON-list string, or text separated by ``;`` (else ``,``).

    Tags are trimmed, inner whitespace collapsed, a leading ``#`` dropped, empties and case-insensitive
    repeats removed; order is kept.
    """
    items: list[object]
    if isinstance(value, list | tuple):
        items = list(value)
    elif isinstance(value, str):
        text = value.strip()
        items = []
        if text.startswith("["):
            try:
                decoded = json.loads(text)
            except json.JSONDecodeError:
                decoded = None
            if isinstance(decoded, list):
                items = decoded
            else:
                text = text.strip("[]")
        if not items:
            items = list(text.split(";" if ";" in text else ","))
    else:
        return ()
    tags: list[str] = []
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, str | int | float):
            continue
        tag = _SPACES.sub(" ", str(item)).strip().lstrip("#").strip().strip("'\"")
        if tag and tag.lower() not in seen:
            seen.add(tag.lower())
            tags.append(tag)
    return tuple(tags)


def _text_value(value: object) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError("must be text")
    cleaned = _SPACES.sub(" ", value).strip()
    return cleaned or None


def _language_value(value: object) -> str | None:
    text = _text_value(value)
    if text is None:
        return None
    tag = text.lower().replace("_", "-")
    if not _LANGUAGE_TAG.match(tag):
        raise ValueError(f"{text!r} is not a language code like 'en' or 'pt-br'")
    return tag


def fields_from_mapping(raw: Mapping[str, object]) -> tuple[TextFields, str | None, list[str]]:
    """Read descriptive fields from a manifest row or JSON object (keys matched via :func:`canonical_key`).

    Returns the fields, the raw ``path`` value (if any) and a list of problems with individual fields
    (such fields are ignored; the rest is kept). Unknown keys are ignored.
    """
    values: dict[str, object] = {}
    path_value: str | None = None
    problems: list[str] = []
    for key, value in raw.items():
        canonical = canonical_key(str(key)) if key is not None else None
        if canonical is None or canonical in values:
            continue
        if canonical == "path":
            path_value = value.strip() if isinstance(value, str) else None
            if path_value is None and value is not None:
                problems.append("path must be text")
            values["path"] = value
            continue
        try:
            if canonical == "tags":
                values["tags"] = parse_tags(value)
            elif canonical == "language":
                values["language"] = _language_value(value)
            else:
                values[canonical] = _text_value(value)
        except ValueError as exc:
            problems.append(f"{canonical} ignored: {exc}")
    values.pop("path", None)
    return TextFields(**values), path_value, problems  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------------
# Manifests
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ManifestEntry(TextFields):
    """One manifest row: a video (resolved absolute path) and what the manifest says about it."""

    path: Path
    line: int


@dataclass(frozen=True)
class ManifestProblem:
    """A manifest row (or field) that could not be used, with the line it starts on."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class Manifest:
    """A loaded manifest: entries by resolved video path, plus the problems met while reading it."""

    path: Path
    entries: dict[Path, ManifestEntry] = field(default_factory=dict)
    problems: list[ManifestProblem] = field(default_factory=list)

    def get(self, video_path: Path) -> ManifestEntry | None:
        """Return the entry for a video (any spelling of its path), or None."""
        return self.entries.get(Path(video_path).expanduser().resolve())

    def __len__(self) -> int:
        return len(self.entries)

    def merged_with(self, other: Manifest) -> Manifest:
        """Return a manifest holding this one's entries plus those of ``other`` for videos not yet listed.

        Entries of ``self`` win on conflicts; problems of both are kept (in order).
        """
        merged = Manifest(path=self.path, entries=dict(self.entries), problems=list(self.problems))
        for video_path, entry in other.entries.items():
            merged.entries.setdefault(video_path, entry)
        merged.problems.extend(other.problems)
        return merged

    def missing_files(self) -> list[ManifestEntry]:
        """Return the entries whose video file does not exist."""
        return [entry for entry in self.entries.values() if not entry.path.is_file()]


def find_manifest(folder: Path) -> Path | None:
    """Return the manifest of a library folder (``manifest.csv`` or ``manifest.json``, any case), or None."""
    if not folder.is_dir():
        return None
    by_lower = {entry.name.lower(): entry for entry in sorted(folder.iterdir()) if entry.is_file()}
    for name in MANIFEST_NAMES:
        if name in by_lower:
            return by_lower[name]
    return None


def load_manifest(path: Path) -> Manifest:
    """Load a CSV (or TSV / ``;``-separated) or JSON manifest.

    Relative video paths are relative to the manifest's folder. A malformed row is recorded in
    :attr:`Manifest.problems` (line number and reason) and skipped; a bad field in an otherwise good row
    is recorded and ignored. JSON may be a list of objects, an object holding such a list under
    ``entries``/``clips``/``videos``/``items``/``files``, or an object mapping paths to objects.

    Raises:
        InputError: the file cannot be read, is not CSV/JSON, is not valid JSON, or has no path column.
    """
    path = Path(path).expanduser().resolve()
    try:
        text = decode_text_file(path.read_bytes()).lstrip("\ufeff")
    except OSError as exc:
        raise InputError(f"Cannot read manifest {path}: {exc.strerror or exc}") from exc
    manifest = Manifest(path=path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        rows = _csv_rows(text, path, manifest.problems)
    elif suffix == ".json":
        rows = _json_rows(text, path, manifest.problems)
    else:
        raise InputError(f"Manifest must be a .csv or .json file: {path}")
    for line, raw in rows:
        _add_entry(manifest, line, raw)
    return manifest


def _add_entry(manifest: Manifest, line: int, raw: Mapping[str, object]) -> None:
    text_fields, raw_path, problems = fields_from_mapping(raw)
    if not raw_path:
        reason = "path must be text" if "path must be text" in problems else "no path given"
        manifest.problems.append(ManifestProblem(line, f"{reason}; row skipped"))
        return
    try:
        video_path = _resolve_manifest_path(raw_path, manifest.path.parent)
    except (OSError, RuntimeError, ValueError) as exc:  # an unknown ~user, a name the OS refuses
        manifest.problems.append(
            ManifestProblem(line, f"path {raw_path!r} cannot be resolved ({exc}); row skipped")
        )
        return
    if _leaves_folder(raw_path, video_path, manifest.path.parent):
        reason = f"path {raw_path!r} leaves the manifest's folder; row skipped"
        manifest.problems.append(ManifestProblem(line, reason))
        return
    existing = manifest.entries.get(video_path)
    if existing is not None:
        reason = f"duplicate entry for {raw_path} (first on line {existing.line}); row skipped"
        manifest.problems.append(ManifestProblem(line, reason))
        return
    manifest.problems.extend(ManifestProblem(line, problem) for problem in problems)
    values = {f.name: getattr(text_fields, f.name) for f in fields(TextFields)}
    manifest.entries[video_path] = ManifestEntry(path=video_path, line=line, **values)


def _leaves_folder(raw_path: str, resolved: Path, folder: Path) -> bool:
    """True for a relative manifest path ("../../etc/passwd") that resolves outside the manifest's folder."""
    relative = not Path(raw_path.replace("\\", "/")).expanduser().is_absolute()
    return relative and not resolved.is_relative_to(folder.resolve())


def _resolve_manifest_path(raw_path: str, base: Path) -> Path:
    candidate = Path(raw_path.replace("\\", "/")).expanduser()
    if not candidate.is_absolute():
        candidate = base / candidate
    return candidate.resolve()


def _csv_rows(text: str, path: Path, problems: list[ManifestProblem]) -> list[tuple[int, dict[str, object]]]:
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
    rows: list[tuple[int, dict[str, object]]] = []
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


def _json_rows(text: str, path: Path, problems: list[ManifestProblem]) -> list[tuple[int, dict[str, object]]]:
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
    rows: list[tuple[int, dict[str, object]]] = []
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


# --------------------------------------------------------------------------------------------------------
# Sidecar files
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sidecars:
    """Files beside a video that describe it; subtitles ordered best first."""

    json: Path | None = None
    text: Path | None = None
    subtitles: tuple[Path, ...] = ()


@dataclass(frozen=True)
class SidecarText:
    """What the sidecar files of a video say (already read and parsed)."""

    fields: TextFields | None = None
    description: str | None = None
    subtitles: tuple[Cue, ...] = ()
    warnings: tuple[str, ...] = ()


@lru_cache(maxsize=256)
def _folder_file_names(folder: Path, mtime_ns: int) -> tuple[str, ...]:
    """Names of the files in a folder; cached per folder modification time (mtime changes on add/remove)."""
    del mtime_ns  # only part of the cache key
    try:
        return tuple(sorted(entry.name for entry in folder.iterdir()))
    except OSError:
        return ()


def find_sidecars(video_path: Path, preferred_languages: Sequence[str] = ("en",)) -> Sidecars:
    """Find ``NAME.json``, ``NAME.txt`` and ``NAME[.<lang>].srt|vtt`` beside a video (case-insensitive).

    ``NAME`` is the file name without its extension (``NAME.mp4.json`` is accepted too). Subtitles are
    ordered: no language tag, then ``preferred_languages`` in order, then others by name; ``.srt``
    before ``.vtt``.
    """
    folder = video_path.parent
    try:
        mtime_ns = folder.stat().st_mtime_ns
    except OSError:
        return Sidecars()
    names = _folder_file_names(folder, mtime_ns)
    stem = video_path.stem.lower()
    full = video_path.name.lower()
    by_lower: dict[str, str] = {}
    for name in names:
        by_lower.setdefault(name.lower(), name)

    def pick(suffix: str) -> Path | None:
        for candidate in (stem + suffix, full + suffix):
            if candidate in by_lower:
                return folder / by_lower[candidate]
        return None

    subtitle_pattern = re.compile(
        rf"^{re.escape(stem)}(?:\.([a-z]{{2,3}}(?:[-_][a-z0-9]{{2,8}})?))?\.(srt|vtt)$"
    )
    wanted = [lang.lower() for lang in preferred_languages]
    ranked: list[tuple[tuple[int, str, int], Path]] = []
    for lower, name in by_lower.items():
        match = subtitle_pattern.match(lower)
        if not match:
            continue
        language = match.group(1)
        if language is None:
            rank = 0
        elif language in wanted or language.split("-")[0].split("_")[0] in wanted:
            base = language.split("-")[0].split("_")[0]
            rank = 1 + (wanted.index(language) if language in wanted else wanted.index(base))
        else:
            rank = 1 + len(wanted)
        ranked.append(((rank, language or "", 0 if match.group(2) == "srt" else 1), folder / name))
    ranked.sort()
    return Sidecars(json=pick(".json"), text=pick(".txt"), subtitles=tuple(path for _, path in ranked))


def read_sidecars(video_path: Path, options: LibraryTextOptions | None = None) -> SidecarText:
    """Read the sidecar files of a video. Unreadable or malformed sidecars become warnings, never errors."""
    options = options or LibraryTextOptions()
    found = find_sidecars(video_path, options.subtitle_languages)
    warnings: list[str] = []
    sidecar_fields: TextFields | None = None
    description: str | None = None
    if found.json is not None:
        raw = _read_small_text(found.json, options.max_sidecar_bytes, warnings)
        if raw is not None:
            try:
                document = json.loads(raw)
            except json.JSONDecodeError as exc:
                warnings.append(f"{found.json.name}: not valid JSON (line {exc.lineno}: {exc.msg}); ignored")
            else:
                if isinstance(document, dict):
                    sidecar_fields, _, problems = fields_from_mapping(document)
                    warnings.extend(f"{found.json.name}: {problem}" for problem in problems)
                else:
                    warnings.append(f"{found.json.name}: must be a JSON object; ignored")
    if found.text is not None:
        raw = _read_small_text(found.text, options.max_sidecar_bytes, warnings)
        if raw is not None:
            description = _SPACES.sub(" ", raw).strip() or None
    subtitles: tuple[Cue, ...] = ()
    for subtitle_path in found.subtitles:
        try:
            cues = read_subtitle_file(subtitle_path)
        except InputError as exc:
            warnings.append(f"{subtitle_path.name}: {exc.message}")
            continue
        if cues:
            subtitles = tuple(cues)
            break
        warnings.append(f"{subtitle_path.name}: no readable cues")
    return SidecarText(sidecar_fields, description, subtitles, tuple(warnings))


def _read_small_text(path: Path, max_bytes: int, warnings: list[str]) -> str | None:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            warnings.append(f"{path.name}: larger than {max_bytes} bytes; ignored")
            return None
        return decode_text_file(path.read_bytes()).lstrip("\ufeff")
    except OSError as exc:
        warnings.append(f"{path.name}: cannot be read ({exc.strerror or exc}); ignored")
        return None


# --------------------------------------------------------------------------------------------------------
# Container tags
# --------------------------------------------------------------------------------------------------------

_ENCODER_BANNER = re.compile(r"^(lavf|lavc|handbrake|x26[45]|encoded|created|made) ?", re.IGNORECASE)


def fields_from_container_tags(tags: Mapping[str, str], file_name: str = "") -> TextFields:
    """Read descriptive fields from container metadata tags (keys compared case-insensitively).

    ``title``; ``description`` > ``synopsis`` > ``comment`` (encoder banners ignored); ``keywords``;
    ``artist``/``author`` → attribution; ``license``/``licence``; ``language``. A title equal to the
    file name is ignored.
    """
    lower = {str(k).lower(): str(v) for k, v in tags.items() if v is not None}

    def first(*keys: str) -> str | None:
        for key in keys:
            value = _SPACES.sub(" ", lower.get(key, "")).strip()
            if value and not _ENCODER_BANNER.match(value):
                return value
        return None

    title = first("title")
    if title and file_name and title.lower() in (file_name.lower(), Path(file_name).stem.lower()):
        title = None
    language: str | None
    try:
        language = _language_value(lower.get("language"))
    except ValueError:
        language = None
    if language in ("und", "unk"):
        language = None
    return TextFields(
        title=title,
        description=first("description", "synopsis", "comment"),
        tags=parse_tags(lower.get("keywords", "")),
        language=language,
        license=first("license", "licence"),
        attribution=first("artist", "author", "album_artist"),
    )


# --------------------------------------------------------------------------------------------------------
# Words from file and folder names
# --------------------------------------------------------------------------------------------------------

JUNK_NAME_WORDS: frozenset[str] = (
    frozenset(
        """final finals copy preview draft edit edited export exported render rendered master proxy temp
    tmp new old
    version ver backup bak hd sd uhd fhd qhd hdr sdr hevc avc h264 h265 x264 x265 prores dnxhd mpeg
    raw web full sample samples stock footage video videos clip clips file untitled img dsc dscn dscf mvi
    gopr gp gx vid pxl mov""".split()  # noqa: SIM905
    )
    | VIDEO_EXTENSIONS
)
"""Words dropped from file and folder names: version markers, codecs, camera prefixes, generic nouns."""

_JUNK_CHUNK = re.compile(
    r"^(v\d+|ver\d+|take\d+|r\d+|\d{3,4}[pi]|\d+k|\d+fps|\d+x\d+|[hx]26[45]|\d+bit|\d+[km]bps|\d+hz|\d+)$"
)
_MEANINGFUL_CHUNK = re.compile(r"^((19|20)\d\d|[23]d|360|4x4|911)$")
_CAMEL_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_LETTER_DIGIT_PART = re.compile(r"\d+|[^\W\d_]+")
_CHUNK_SEPARATOR = re.compile(r"[\W_]+")


def name_words(rel_path: Path, *, extra_junk: Sequence[str] = ()) -> tuple[str, ...]:
    """Split a video's folder and file names into lower-case words.

    Separators (``_ - . space``), camelCase and letter/digit boundaries split words; version markers,
    resolutions, codecs, camera prefixes and words like "final", "copy", "preview" are dropped; numbers
    are dropped unless meaningful (years, "3d", "360"); repeats are dropped. ``rel_path`` is the path
    below the library root (only its folder and file names are used; a known video extension is removed).
    """
    junk = JUNK_NAME_WORDS | {word.lower() for word in extra_junk}
    name = rel_path.name
    if Path(name).suffix.lower().lstrip(".") in VIDEO_EXTENSIONS:
        name = Path(name).stem
    words: list[str] = []
    seen: set[str] = set()
    for part in [*rel_path.parent.parts, name]:
        if part in ("", ".", "..", "/") or part.startswith("."):
            continue
        for chunk in _CHUNK_SEPARATOR.split(part):
            for word in _chunk_words(chunk, junk):
                if word not in seen:
                    seen.add(word)
                    words.append(word)
    return tuple(words)


def _chunk_words(chunk: str, junk: frozenset[str]) -> list[str]:
    lowered = chunk.lower()
    if not lowered:
        return []
    if _MEANINGFUL_CHUNK.match(lowered):
        return [lowered]
    if _JUNK_CHUNK.match(lowered) or lowered in junk:
        return []
    pieces = _CAMEL_PART.findall(chunk) if chunk.isascii() else _LETTER_DIGIT_PART.findall(chunk)
    result: list[str] = []
    for piece in pieces:
        word = piece.lower()
        if word.isdigit():
            if _MEANINGFUL_CHUNK.match(word):
                result.append(word)
            continue
        if word in junk or (len(word) == 1 and word.isascii()):
            continue
        result.append(word)
    return result


# --------------------------------------------------------------------------------------------------------
# The merged result
# --------------------------------------------------------------------------------------------------------

_CJK = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+|[^\w\s]")
"""Approximate tokens: one per CJK character, word run or punctuation mark."""
_SENTENCE_END = re.compile(r"[.!?…。！？]$")


@dataclass(frozen=True)
class SourceText:
    """Everything known about the words of one video: the input to the text channel and to credits."""

    title: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    language: str | None = None
    license: str = DEFAULT_LICENSE
    attribution: str = ""
    source_url: str = ""
    name_words: tuple[str, ...] = ()
    subtitles: list[Cue] = field(default_factory=list)
    file_name: str = ""
    warnings: tuple[str, ...] = ()
    """Problems met while reading sidecars (not part of the digest)."""

    def digest(self) -> str:
        """Return a stable sha256 (hex) of everything that feeds shot texts (changes iff they may change)."""
        payload = {
            "version": SHOT_TEXT_VERSION,
            "title": self.title,
            "description": self.description,
            "tags": list(self.tags),
            "language": self.language,
            "name_words": list(self.name_words),
            "subtitles": [[round(c.start_s, 3), round(c.end_s, 3), c.text] for c in self.subtitles],
        }
        encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()

    def shot_text(
        self, start_s: float, end_s: float, *, max_tokens: int = DEFAULT_SHOT_TEXT_MAX_TOKENS
    ) -> str:
        """Return the text embedded for the shot ``[start_s, end_s)`` of this video.

        Parts in priority order: title, description, tags, name words (left out when they only repeat the
        title), subtitle text spoken during the shot. The text is cut at about ``max_tokens`` tokens
        (words, punctuation marks and CJK characters counted), dropping lower-priority parts first.
        """
        name_text = " ".join(self.name_words)
        parts = [
            self.title,
            self.description if self.description.lower() != self.title.lower() else "",
            ", ".join(self.tags),
            name_text if name_text.lower() != self.title.lower() else "",
            text_between(self.subtitles, start_s, end_s),
        ]
        pieces: list[str] = []
        budget = max_tokens
        for part in parts:
            part = part.strip()
            if not part or budget <= 0:
                continue
            if not _SENTENCE_END.search(part):
                part += "."
            tokens = list(_TOKEN.finditer(part))
            if len(tokens) > budget:
                part = part[: tokens[budget - 1].end()].rstrip()
                tokens = tokens[:budget]
            pieces.append(part)
            budget -= len(tokens)
        return " ".join(pieces)

    def credit(self) -> str:
        """Return ``Title — Attribution (License)``; the licence reads ``unknown`` when not known."""
        title = self.title or self.file_name or "Untitled"
        if self.attribution:
            return f"{title} — {self.attribution} ({self.license})"
        return f"{title} ({self.license})"


def merge_source_text(
    *,
    file_name: str,
    manifest_entry: TextFields | None = None,
    sidecar: SidecarText | None = None,
    container_tags: Mapping[str, str] | None = None,
    words: Sequence[str] = (),
    embedded_subtitles: Sequence[Cue] = (),
) -> SourceText:
    """Combine every source into one :class:`SourceText` (pure; no I/O).

    For each field the first non-empty value wins, in the order manifest, sidecar JSON, sidecar TXT
    (description), container tags, name words (title). Sidecar subtitles win over embedded ones.
    """
    sidecar = sidecar or SidecarText()
    layers: list[TextFields] = [
        layer
        for layer in (
            manifest_entry,
            sidecar.fields,
            TextFields(description=sidecar.description),
            fields_from_container_tags(container_tags or {}, file_name),
        )
        if layer is not None
    ]

    def first_text(name: str) -> str | None:
        for layer in layers:
            value = getattr(layer, name)
            if value:
                return str(value)
        return None

    tags = next((layer.tags for layer in layers if layer.tags), ())
    title = first_text("title") or " ".join(words).capitalize()
    subtitles = list(sidecar.subtitles) if sidecar.subtitles else list(embedded_subtitles)
    return SourceText(
        title=title,
        description=first_text("description") or "",
        tags=tuple(tags),
        language=first_text("language"),
        license=first_text("license") or DEFAULT_LICENSE,
        attribution=first_text("attribution") or "",
        source_url=first_text("source") or "",
        name_words=tuple(words),
        subtitles=subtitles,
        file_name=file_name,
        warnings=sidecar.warnings,
    )


def build_source_text(
    video_path: Path,
    *,
    root: Path | None = None,
    manifest: Manifest | None = None,
    container_tags: Mapping[str, str] | None = None,
    embedded_subtitles: Sequence[Cue] = (),
    options: LibraryTextOptions | None = None,
) -> SourceText:
    """Gather the text of one video: manifest entry, sidecars, container tags, names, subtitles.

    ``root`` is the library folder the video was found under (its folder names below ``root`` become
    name words; without it only the file name is used). ``container_tags`` are the probe's format tags;
    ``embedded_subtitles`` the cues of an embedded track (see ``indexer.embedded_subtitles``).
    """
    options = options or LibraryTextOptions()
    video_path = Path(video_path)
    rel_path = Path(video_path.name)
    if root is not None:
        try:
            rel_path = video_path.relative_to(root)
        except ValueError:
            rel_path = Path(video_path.name)
    entry = manifest.get(video_path) if manifest is not None else None
    return merge_source_text(
        file_name=video_path.name,
        manifest_entry=entry,
        sidecar=read_sidecars(video_path, options),
        container_tags=container_tags,
        words=name_words(rel_path, extra_junk=options.extra_junk_words),
        embedded_subtitles=embedded_subtitles,
    )


__all__ = [
    "DEFAULT_LICENSE",
    "SHOT_TEXT_VERSION",
    "LibraryTextOptions",
    "Manifest",
    "ManifestEntry",
    "ManifestProblem",
    "SidecarText",
    "Sidecars",
    "SourceText",
    "TextFields",
    "build_source_text",
    "canonical_key",
    "fields_from_container_tags",
    "fields_from_mapping",
    "find_manifest",
    "find_sidecars",
    "load_manifest",
    "merge_source_text",
    "name_words",
    "parse_tags",
    "read_sidecars",
]
