"""Escaping of values inside an ffmpeg filtergraph (the two levels described in ffmpeg-filters(1)).

Level 1 protects an option value inside a filter's argument list (``:`` separates options); level 2
protects the filter description inside the graph (``,`` ``;`` ``[`` ``]`` separate filters and labels).
It lives here, the lowest of the media-making packages, so that both the title cards and
``montage.render`` (which depends on ``montage.fallback``, never the reverse) can use it.
"""

from __future__ import annotations


def escape_option_value(value: str) -> str:
    """Escape a value for use as ``key=value`` inside a filtergraph string (both levels)."""
    level1 = "".join("\\" + c if c in "\\':" else c for c in value)
    return "".join("\\" + c if c in "\\'[],;" else c for c in level1)
