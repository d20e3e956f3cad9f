"""An ffmpeg command as data: inputs, a filtergraph of labelled chains, maps and output options.

Building the command as values (and turning it into argv in one place) keeps the escaping correct and lets
tests inspect the plan without running ffmpeg.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from montage.fallback.filter_escaping import escape_option_value


@dataclass(frozen=True)
class Filter:
    """One filter with ``key=value`` options (values are escaped when rendered)."""

    name: str
    options: tuple[tuple[str, str], ...] = ()

    def to_string(self) -> str:
        """``name=key=value:key=value`` with every value escaped for the filtergraph."""
        if not self.options:
            return self.name
        return (
            self.name + "=" + ":".join(f"{key}={escape_option_value(value)}" for key, value in self.options)
        )


def f(name: str, **options: str | float | int) -> Filter:
    """Shorthand: ``f("scale", w=1280, h=720)``; floats are written with up to 6 decimals."""

    def text(value: str | float | int) -> str:
        if isinstance(value, float):
            return f"{value:.6f}".rstrip("0").rstrip(".") or "0"
        return str(value)

    return Filter(name, tuple((key, text(value)) for key, value in options.items()))


@dataclass(frozen=True)
class Chain:
    """Filters applied in order to the labelled ``inputs``, producing the labelled ``outputs``."""

    inputs: tuple[str, ...]
    filters: tuple[Filter, ...]
    outputs: tuple[str, ...]

    def to_string(self) -> str:
        """``[in]filter,filter[out]``."""
        head = "".join(f"[{label}]" for label in self.inputs)
        tail = "".join(f"[{label}]" for label in self.outputs)
        return head + ",".join(flt.to_string() for flt in self.filters) + tail


@dataclass(frozen=True)
class FilterGraph:
    """Chains joined with ``;``."""

    chains: tuple[Chain, ...]

    def to_string(self) -> str:
        """The ``-filter_complex`` argument."""
        return ";".join(chain.to_string() for chain in self.chains)

    def output_labels(self) -> list[str]:
        """Labels produced by some chain."""
        return [label for chain in self.chains for label in chain.outputs]


@dataclass(frozen=True)
class Input:
    """An input file (or lavfi description) and the options that precede its ``-i``."""

    source: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class FfmpegCommand:
    """A whole ffmpeg invocation with one output file."""

    inputs: tuple[Input, ...]
    graph: FilterGraph
    maps: tuple[str, ...]
    output_options: tuple[str, ...]
    output_path: str
    global_options: tuple[str, ...] = field(default=("-nostdin", "-hide_banner", "-y"))
    stream_maps: tuple[str, ...] = ()
    """Input streams mapped as they are (e.g. ``0:v`` to copy a video), before the graph's ``maps``."""

    def argv(self, executable: str = "ffmpeg", *, extra_output_options: Sequence[str] = ()) -> list[str]:
        """The argument vector (no shell involved, so no shell quoting)."""
        args = [executable, *self.global_options]
        for item in self.inputs:
            args += [*item.options, "-i", item.source]
        if self.graph.chains:  # a join of finished streams has no graph
            args += ["-filter_complex", self.graph.to_string()]
        for stream in self.stream_maps:
            args += ["-map", stream]
        for label in self.maps:
            args += ["-map", f"[{label}]"]
        args += [*self.output_options, *extra_output_options, self.output_path]
        return args
