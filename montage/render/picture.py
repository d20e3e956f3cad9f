"""Filter chains of the picture: fit each segment to the frame, normalise its rate and length, join them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from montage.render.graph import Chain, Filter, f


def fit_filters(width: int, height: int, fit: Literal["crop", "pad"]) -> list[Filter]:
    """Fill the frame (centre-crop to its aspect first, then scale) or fit it (scale, then pad).

    Sizes follow the display aspect (``dar``/``sar``), so non-square pixels come out right. Cropping before
    scaling means the scaler only ever produces ``width``×``height`` pixels.
    """
    ratio = f"{width}/{height}"
    if fit == "crop":
        crop = f(
            "crop",
            w=f"if(gt(dar,{ratio}),trunc(ih*{ratio}/sar/2)*2,iw)",
            h=f"if(gt(dar,{ratio}),ih,trunc(iw*sar/({ratio})/2)*2)",
        )
        return [crop, f("scale", w=width, h=height), f("setsar", sar=1)]
    scale = f(
        "scale",
        w=f"if(gt(dar,{ratio}),{width},trunc({height}*dar/2+0.5)*2)",
        h=f"if(gt(dar,{ratio}),trunc({width}/dar/2+0.5)*2,{height})",
    )
    return [
        scale,
        f("setsar", sar=1),
        f("pad", w=width, h=height, x="(ow-iw)/2", y="(oh-ih)/2", color="black"),
    ]


def length_filters(frames: int, fps: float) -> list[Filter]:
    """Constant ``fps`` from 0, exactly ``frames`` frames (the last repeats if the source ends early)."""
    return [
        f("fps", fps=f"{fps:g}"),
        f("tpad", stop_mode="clone", stop_duration=1),
        f("trim", end_frame=frames),
        f("setpts", expr="PTS-STARTPTS"),
        f("format", pix_fmts="yuv420p"),
    ]


def segment_chain(
    input_label: str,
    out_label: str,
    *,
    frames: int,
    width: int,
    height: int,
    fps: float,
    fit: Literal["crop", "pad"] | None,
    speed: float = 1.0,
) -> Chain:
    """A segment's picture: time from 0 (played at ``speed``), fitted to the frame (unless ``fit`` is None),
    exact length."""
    expr = "PTS-STARTPTS" if abs(speed - 1.0) < 1e-9 else f"(PTS-STARTPTS)/{speed:.6f}"
    filters = [f("setpts", expr=expr)]
    if fit is not None:
        filters += fit_filters(width, height, fit)
    filters += length_filters(frames, fps)
    return Chain((input_label,), tuple(filters), (out_label,))


def join_chains(
    labels: Sequence[str], frames: Sequence[int], fps: float, crossfade_frames: int, out_label: str
) -> list[Chain]:
    """Concatenate the segments, or cross-dissolve them when ``crossfade_frames`` > 0.

    With cross-dissolves every segment but the last must carry ``crossfade_frames`` extra frames (its
    ``frames`` entry excludes them); each dissolve starts at the cut, so the total stays ``sum(frames)``.
    """
    if len(labels) == 1:
        return [Chain((labels[0],), (f("null"),), (out_label,))]
    if crossfade_frames <= 0:
        return [Chain(tuple(labels), (f("concat", n=len(labels), v=1, a=0),), (out_label,))]
    chains: list[Chain] = []
    current, elapsed = labels[0], 0
    duration = crossfade_frames / fps
    for position in range(1, len(labels)):
        elapsed += frames[position - 1]
        label = out_label if position == len(labels) - 1 else f"xf{position}"
        xfade = f("xfade", transition="fade", duration=round(duration, 6), offset=round(elapsed / fps, 6))
        chains.append(Chain((current, labels[position]), (xfade,), (label,)))
        current = label
    return chains
