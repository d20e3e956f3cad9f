"""Media facts: probe a file with ffprobe into an immutable ``MediaInfo``."""

from montage.media.info import MediaInfo, Rational, display_size
from montage.media.probe import probe

__all__ = ["MediaInfo", "Rational", "display_size", "probe"]
