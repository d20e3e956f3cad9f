"""Read an MLT XML file back into clips (the MLT adapter only writes; this reads what it wrote)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET


@dataclass(frozen=True)
class MltClip:
    """One playlist entry: its file, in/out frames (inclusive out; on the warped clock of a ``timewarp``
    producer), its record start frame and its speed."""

    resource: str
    in_frame: int
    out_frame: int
    record_frame: int
    speed: float = 1.0


def read_mlt(path: Path) -> tuple[dict[str, str], dict[str, list[MltClip]]]:
    """The profile attributes and each playlist's clips, by playlist id."""
    root = ET.parse(path).getroot()
    profile = root.find("./profile")
    resources = {}
    for producer in root.findall("./producer"):
        resource = producer.find("./property[@name='resource']")
        resources[producer.attrib["id"]] = resource.text if resource is not None else ""
    playlists: dict[str, list[MltClip]] = {}
    for playlist in root.findall("./playlist"):
        clips, position = [], 0
        for child in playlist:
            if child.tag == "blank":
                position += int(child.attrib["length"])
            elif child.tag == "entry":
                start, end = int(child.attrib["in"]), int(child.attrib["out"])
                address = resources[child.attrib["producer"]] or ""
                speed, sep, warped = address.partition(":")
                if sep and speed.replace(".", "", 1).isdigit():  # a timewarp producer: "0.9:media/clip.mp4"
                    clips.append(MltClip(warped, start, end, position, float(speed)))
                else:
                    clips.append(MltClip(address, start, end, position))
                position += end - start + 1
        playlists[playlist.attrib["id"]] = clips
    return (dict(profile.attrib) if profile is not None else {}), playlists
