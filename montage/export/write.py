"""Export a timeline for an editing suite: the timeline file plus the cards, subtitles and relink map.

``export_timeline(timeline, out, "fcp7xml")`` writes ``out`` (media addressed where they lie, cards and
subtitles in ``<stem>_assets/`` beside it); with ``bundle=True`` ``out`` is a project folder holding the
timeline file, ``media/`` (hard links or copies of every used file), ``cards/``, subtitles and
``relink.csv``, all addressed relative to the folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import opentimelineio as otio

from montage.errors import InputError
from montage.export.adapter_prep import conform_available_ranges, warped_source_starts, with_aaf_mob_ids
from montage.export.formats import FORMATS, FormatSpec, NleFormat
from montage.export.media_probe import probe_span
from montage.export.mlt_document import finish_mlt, profile_data
from montage.export.nle_timeline import NleMedia, build_nle_timeline
from montage.export.package import RELINK_MAP, Placement, as_url, place_media, write_relink_map
from montage.export.rendered_media import render_cards, render_end_card
from montage.fallback.select import fallback_generator
from montage.options.render import RenderOptions
from montage.timeline.model import Timeline
from montage.timeline.subtitles import write_srt, write_vtt

PICTURE_TRACK, NARRATION_TRACK, MUSIC_TRACK = "V1", "A1 narration", "A2 music"


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the file per format, the folder of their companions, the media they reference."""

    paths: dict[NleFormat, Path]
    folder: Path
    bundled: bool
    media: dict[str, str] = field(default_factory=dict)
    """Original path → the address written into the timeline files."""

    @property
    def path(self) -> Path:
        """The file of the first format asked for."""
        return next(iter(self.paths.values()))


def _spec(name: str) -> FormatSpec:
    spec = FORMATS.get(name)
    if spec is None:
        raise InputError(f"unknown export format {name!r} (one of {', '.join(FORMATS)})", code="bad_format")
    return spec


def _used_files(timeline: Timeline, rendered: Mapping[Path, str]) -> dict[Path, str]:
    files: dict[Path, str] = {}
    for segment in timeline.segments:
        if segment.shot is not None:
            files.setdefault(Path(segment.shot.path), "shot")
    for clip in timeline.narration:
        files.setdefault(Path(clip.path), "narration")
    if timeline.music is not None:
        files.setdefault(Path(timeline.music.path), "music")
    files.update(rendered)
    return files


def _write_otio(
    result: otio.schema.Timeline, spec: FormatSpec, path: Path, timeline: Timeline, crop: bool
) -> None:
    """Write ``result`` with the format's adapter (after what it needs first) to a temp file, then rename."""
    if spec.one_rate:
        result = conform_available_ranges(result, timeline.fps)
    if spec.name == "aaf":
        result = with_aaf_mob_ids(result)
    temp = path.with_name(f".{path.stem}.{os.getpid()}.part{spec.suffix}")
    try:
        if spec.name == "mlt":
            temp.write_text(_mlt_text(warped_source_starts(result), spec, timeline, crop), encoding="utf-8")
        elif spec.name == "edl":
            temp.write_text(
                otio.adapters.write_to_string(result, adapter_name=spec.adapter), encoding="utf-8"
            )
        else:
            otio.adapters.write_to_file(result, str(temp), adapter_name=spec.adapter)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _mlt_text(result: otio.schema.Timeline, spec: FormatSpec, timeline: Timeline, crop: bool) -> str:
    """The MLT adapter's XML for the timeline's frame, completed by ``finish_mlt``."""
    xml = otio.adapters.write_to_string(
        result, adapter_name=spec.adapter, **profile_data(timeline.width, timeline.height, timeline.fps)
    )
    gains = {MUSIC_TRACK: timeline.music.gain_db} if timeline.music else {}
    return finish_mlt(
        xml,
        picture_tracks=[PICTURE_TRACK],
        sound_tracks=[NARRATION_TRACK, MUSIC_TRACK],
        gains_db=gains,
        crop=crop,
    )


def _address(placements: Mapping[Path, Placement], file_urls: bool, source: Path) -> str:
    return as_url(placements[source].address, file_urls)


def _targets(
    out: Path, specs: list[FormatSpec], *, bundle: bool, name: str
) -> tuple[Path, dict[NleFormat, Path]]:
    """The companions' folder and each format's file (see ``export_timeline``)."""
    if bundle:
        return out, {spec.name: out / f"{name}{spec.suffix}" for spec in specs}
    if len(specs) == 1 and out.suffix:
        paths: dict[NleFormat, Path] = {specs[0].name: out}
    else:
        paths = {spec.name: out.with_name(out.name.removesuffix(out.suffix) + spec.suffix) for spec in specs}
    stem = out.name.removesuffix(out.suffix)
    return out.with_name(f"{stem}_assets"), paths


def export_timeline(
    timeline: Timeline,
    out: Path,
    formats: str | Sequence[str],
    *,
    bundle: bool = False,
    relink: Mapping[str, str] | None = None,
    options: RenderOptions | None = None,
    name: str = "montage",
    show_path: Callable[[str], str] | None = None,
) -> ExportResult:
    """Write ``timeline`` in each of ``formats`` (names of ``FORMATS``, or ``"all"``).

    Without ``bundle``, ``out`` is the file (its suffix is replaced per format when several are asked for)
    and cards, subtitles and ``relink.csv`` go to ``<stem>_assets/`` beside it, media addressed where they
    lie (``relink`` maps path prefixes to where another machine mounts them). With ``bundle``, ``out`` is a
    project folder holding ``<name>.<suffix>`` per format and every used file, addressed relative to it.
    ``options`` gives the look the render would have (fallback cards, end card, ``fit``); ``show_path``
    rewrites the original paths shown in metadata and ``relink.csv`` (e.g. hides server paths). Raises
    InputError for an unknown format or a timeline without segments, MediaError when a used file is missing
    or a card cannot be drawn.
    """
    names = list(FORMATS) if formats == "all" else [formats] if isinstance(formats, str) else list(formats)
    specs = [_spec(n) for n in dict.fromkeys(names)]
    if not specs:
        raise InputError("no export format given", code="bad_format")
    if not timeline.segments:
        raise InputError("a timeline without segments cannot be exported", code="invalid_timeline")
    options = options or RenderOptions()
    folder, paths = _targets(out.expanduser().resolve(), specs, bundle=bundle, name=name)
    folder.mkdir(parents=True, exist_ok=True)
    width, height, fps = timeline.width, timeline.height, timeline.fps
    generator = fallback_generator(options.fallback)
    cards = render_cards(timeline, generator, folder / "cards", width=width, height=height)
    rendered: dict[Path, str] = {card: "card" for card in cards.values()}
    end_frames = max(1, round(options.end_card_s * fps)) if options.end_card else 0
    end_card = None
    if end_frames:
        end_card = render_end_card(
            timeline.credits, folder / "cards" / "end-card.mp4", width=width, height=height, fps=fps,
            frames=end_frames, color=options.end_card_color,
        )  # fmt: skip
        rendered[end_card] = "end card"
    subtitles = (write_srt(timeline, folder / "subtitles.srt"), write_vtt(timeline, folder / "subtitles.vtt"))
    files = _used_files(timeline, rendered)
    spans = {source: probe_span(source) for source in files}
    placements = place_media(
        files, project=folder, bundle=bundle, relink=relink or {}, inside=frozenset(rendered)
    )
    for spec in specs:
        path = paths[spec.name]
        path.parent.mkdir(parents=True, exist_ok=True)
        media = NleMedia(
            spans=spans,
            url_for=partial(_address, placements, spec.file_urls),
            cards=cards,
            end_card=end_card,
            end_card_frames=end_frames,
            subtitles=tuple(os.path.relpath(s, path.parent) for s in subtitles),
            show_path=show_path,
        )
        _write_otio(
            build_nle_timeline(timeline, media, name=name), spec, path, timeline, options.fit == "crop"
        )
    write_relink_map(placements, folder / RELINK_MAP, show_path)
    return ExportResult(
        paths=paths,
        folder=folder,
        bundled=bundle,
        media={str(p.source): p.address for p in placements.values()},
    )
