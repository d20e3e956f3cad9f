"""The NLE file formats montage writes, and the OpenTimelineIO adapter that writes (and reads) each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

NleFormat = Literal["otio", "fcp7xml", "fcpxml", "edl", "aaf", "mlt"]
"""A format name as the CLI and the API take it."""


@dataclass(frozen=True)
class FormatSpec:
    """One format: its OTIO adapter, file suffix, how media are addressed, whether the adapter reads it back.

    ``one_rate``: the adapter counts every range in the sequence rate (media ranges are conformed to it).
    ``file_urls``: media are written as ``file://`` URLs (else as plain paths).
    """

    name: NleFormat
    adapter: str
    suffix: str
    label: str
    one_rate: bool
    file_urls: bool
    readable: bool


FORMATS: Final[dict[str, FormatSpec]] = {
    "otio": FormatSpec("otio", "otio_json", ".otio", "OpenTimelineIO", False, True, True),
    "fcp7xml": FormatSpec("fcp7xml", "fcp_xml", ".xml", "Final Cut Pro 7 XML", False, True, True),
    "fcpxml": FormatSpec("fcpxml", "fcpx_xml", ".fcpxml", "Final Cut Pro X XML", False, True, True),
    "edl": FormatSpec("edl", "cmx_3600", ".edl", "CMX 3600 EDL", True, False, True),
    "aaf": FormatSpec("aaf", "AAF", ".aaf", "Advanced Authoring Format", True, True, True),
    "mlt": FormatSpec("mlt", "mlt_xml", ".mlt", "MLT XML (Kdenlive, Shotcut, melt)", True, False, False),
}
"""Every format by name (the MLT adapter writes only: tests read MLT back with ``mlt_read``)."""

FORMAT_NAMES: Final = tuple(FORMATS)
