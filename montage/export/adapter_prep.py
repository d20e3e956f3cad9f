"""What some adapters need before they write: one rate for every range (AAF, EDL, MLT), MLT's warped
clock for speed changes, AAF mob ids."""

from __future__ import annotations

import math
import uuid

import aaf2.mobid
import opentimelineio as otio


def conform_available_ranges(timeline: otio.schema.Timeline, rate: float) -> otio.schema.Timeline:
    """A copy whose media references count their available range in frames of ``rate`` (whole frames)."""
    result: otio.schema.Timeline = timeline.deepcopy()
    for clip in result.find_clips():
        reference = clip.media_reference
        available = reference.available_range if reference is not None else None
        if available is None or available.duration.rate == rate:
            continue
        frames = math.floor(available.duration.to_seconds() * rate + 1e-6)
        start = round(available.start_time.to_seconds() * rate)
        reference.available_range = otio.opentime.TimeRange(
            otio.opentime.RationalTime(start, rate), otio.opentime.RationalTime(frames, rate)
        )
    return result


def warped_source_starts(timeline: otio.schema.Timeline) -> otio.schema.Timeline:
    """A copy whose speed-changed clips start at their in point on the warped clock (MLT's ``timewarp``
    producer counts frames of the sped-up or slowed-down media: source frame ``f`` at speed ``s`` is
    frame ``f / s``), counted from the exact in point kept in the ``montage`` metadata when there is one."""
    result: otio.schema.Timeline = timeline.deepcopy()
    for clip in result.find_clips():
        warps = [e for e in clip.effects if isinstance(e, otio.schema.LinearTimeWarp)]
        if not warps or clip.source_range is None:
            continue
        start, duration = clip.source_range.start_time, clip.source_range.duration
        exact = clip.metadata.get("montage", {}).get("in_s")  # the in point before rounding to frames
        frames = float(exact) * start.rate if exact is not None else start.value
        # floor: melt then shows the frames montage's render shows (measured; rounding is a frame late)
        warped = otio.opentime.RationalTime(math.floor(frames / warps[0].time_scalar + 1e-6), start.rate)
        clip.source_range = otio.opentime.TimeRange(warped, duration)
    return result


def stable_mob_id(url: str) -> str:
    """An AAF MobID (SMPTE UMID URN) derived from the media's URL, so each file has one master mob."""
    mob_id = aaf2.mobid.MobID.new()
    mob_id.material = uuid.uuid5(uuid.NAMESPACE_URL, url)
    return str(mob_id.urn)


def with_aaf_mob_ids(timeline: otio.schema.Timeline) -> otio.schema.Timeline:
    """A copy whose external media references carry ``metadata['AAF']['MobID']`` (the writer needs one)."""
    result: otio.schema.Timeline = timeline.deepcopy()
    for clip in result.find_clips():
        reference = clip.media_reference
        if isinstance(reference, otio.schema.ExternalReference):
            aaf = dict(reference.metadata.get("AAF", {}))
            aaf["MobID"] = stable_mob_id(reference.target_url)
            reference.metadata["AAF"] = aaf
    return result
