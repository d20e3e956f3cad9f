"""Finish the MLT XML the OTIO adapter writes so melt, Kdenlive and Shotcut play it as montage renders it.

The adapter (``otio-mlt-adapter``) writes producers, playlists and one tractor, but no frame size, no audio
mixing and no levels. This adds what it leaves out: the profile (size, rate, square pixels, progressive),
which tracks give picture and which give sound (footage keeps its own sound muted, as in montage's render),
``mix`` transitions so narration and music sound together, a ``volume`` filter at the music's level, a
``crop`` filter that fills the frame like montage's ``fit=crop``, and speed-changed clips measured on their
own clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from xml.etree import ElementTree as ET


def profile_data(width: int, height: int, fps: float) -> dict[str, str]:
    """MLT profile attributes for a progressive, square-pixel frame (passed to the adapter)."""
    rate = Fraction(fps).limit_denominator(1001)
    return {
        "width": str(width),
        "height": str(height),
        "frame_rate_num": str(rate.numerator),
        "frame_rate_den": str(rate.denominator),
        "progressive": "1",
        "sample_aspect_num": "1",
        "sample_aspect_den": "1",
        "display_aspect_num": str(width),
        "display_aspect_den": str(height),
        "colorspace": "709",
    }


def _property(parent: ET.Element, name: str, value: str) -> None:
    element = ET.SubElement(parent, "property", name=name)
    element.text = value


def _filter(producer: ET.Element, service: str, properties: dict[str, str]) -> None:
    element = ET.SubElement(producer, "filter")
    _property(element, "mlt_service", service)
    for name, value in properties.items():
        _property(element, name, value)


def _producers_of(root: ET.Element, playlist_id: str) -> set[str]:
    playlist = root.find(f"./playlist[@id='{playlist_id}']")
    if playlist is None:
        return set()
    return {entry.attrib["producer"] for entry in playlist.iter("entry")}


def _whole_frames(root: ET.Element) -> None:
    """Frame counts as integers: the adapter writes ``2.0``, which MLT would not read as frame 2."""
    for element in root.iter():
        for key in ("in", "out", "length"):
            value = element.attrib.get(key)
            if value is not None and value.endswith(".0"):
                element.set(key, value[:-2])
    for element in root.iter("property"):
        if element.attrib.get("name") == "length" and element.text and element.text.endswith(".0"):
            element.text = element.text[:-2]


def _free_warped_lengths(root: ET.Element) -> None:
    """``timewarp`` producers without the adapter's ``in``/``out`` (they count unwarped frames): MLT
    measures the warped media itself."""
    for producer in root.findall("./producer"):
        service = producer.find("./property[@name='mlt_service']")
        if service is not None and service.text == "timewarp":
            producer.attrib.pop("in", None)
            producer.attrib.pop("out", None)


def _drop_duplicate_producers(root: ET.Element) -> None:
    """One producer per id (the adapter repeats a file's producer for each clip that uses it)."""
    seen: set[str] = set()
    for producer in root.findall("./producer"):
        key = producer.attrib["id"]
        if key in seen:
            root.remove(producer)
        seen.add(key)


def finish_mlt(
    xml: str,
    *,
    picture_tracks: Iterable[str],
    sound_tracks: Iterable[str],
    gains_db: dict[str, float],
    crop: bool,
) -> str:
    """The adapter's ``xml`` completed (see the module docstring); tracks are named by their playlist id.

    ``gains_db`` maps a sound track to its level in dB (omitted: 0 dB).
    """
    root = ET.fromstring(xml)
    _whole_frames(root)
    _drop_duplicate_producers(root)
    _free_warped_lengths(root)
    tractor = root.find("./tractor")
    multitrack = tractor.find("./multitrack") if tractor is not None else None
    if tractor is None or multitrack is None:
        raise ValueError("the MLT adapter wrote no tractor")
    picture, sound = set(picture_tracks), set(sound_tracks)
    mixed: list[int] = []
    for index, track in enumerate(multitrack.findall("./track")):
        playlist = track.attrib.get("producer", "")
        if playlist in sound:
            track.set("hide", "video")
            mixed.append(index)
        else:
            track.set("hide", "audio")
    producers = {p.attrib["id"]: p for p in root.findall("./producer")}
    for playlist in picture if crop else ():
        for producer_id in _producers_of(root, playlist):
            if producer_id in producers:
                _filter(producers[producer_id], "crop", {"center": "1"})
    for playlist in sound:
        gain = gains_db.get(playlist, 0.0)
        for producer_id in _producers_of(root, playlist) if abs(gain) > 1e-9 else ():
            if producer_id in producers:
                _filter(producers[producer_id], "volume", {"level": f"{gain:g}"})
    for index in mixed:
        transition = ET.SubElement(tractor, "transition")
        for name, value in {
            "mlt_service": "mix", "a_track": "0", "b_track": str(index), "always_active": "1", "sum": "1",
        }.items():  # fmt: skip
            _property(transition, name, value)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
