"""Cuts planned together with the shots: how many pieces a sentence gets and how long each holds follow the
relevant footage there is.

For each sentence (too-short sentences share one group with a neighbour), its relevant candidates (score at
or above the relevance floor) are taken best first — the shots of things the sentence names first, in the
order they are named — and each gets a piece as long as its free footage allows (up to ``max_shot_s``;
slowed by at most ``max_speed_change`` when a clip is slightly short). Sentences are planned in order of
how good their best footage is, so a shot goes to the sentence it fits best, and a shot that several
sentences want is shared out in non-overlapping windows. Besides a sentence's best shot, others are used
when they clear the floor and score close to the best — closer for a shot whose home is another sentence
(the one it scores best for), so a shot is not spent on a sentence another one describes better. Exact
source frames are never used twice.

Time a sentence's own footage cannot fill is filled, in this order: its pieces slowed down (within the
limit), the previous relevant shot held longer (new frames only), footage of the story's topic (B-roll,
only for a sentence with nothing specific to show), and last a title card. Every segment records which
of these happened and why.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from montage.options.alignment import AlignmentOptions
from montage.options.relevance import threshold_for_pairing
from montage.timeline.frame_grid import snap_to_frame
from montage.timeline.model import Fill
from montage.timeline.plan_inputs import CandidateShot, Slot
from montage.timeline.segmenting import SentenceSpan, merge_short_spans, sentence_spans
from montage.timeline.shot_window import active_start, clean_ranges

_EPS = 1e-6
_NAMED_REASON = "its tags or title match a thing the sentence names, shown in the order named"


@dataclass
class Take:
    """One planned piece: ``source_s`` seconds of a shot from ``in_s``, filling ``output_s`` seconds."""

    shot: CandidateShot
    in_s: float
    source_s: float
    output_s: float
    fill: Fill
    reason: str
    sentence_index: int

    @property
    def out_s(self) -> float:
        """End of the used part in the source."""
        return self.in_s + self.source_s


@dataclass
class GroupPlan:
    """The pictures of one sentence group, in screen order; ``card_s`` seconds of title card at the end."""

    sentence_index: int
    start_s: float
    end_s: float
    takes: list[Take] = field(default_factory=list)
    held_in: Take | None = None
    lead_out: Take | None = None
    card_s: float = 0.0
    card_reason: str = ""

    @property
    def duration_s(self) -> float:
        """Length of the group on the output clock."""
        return self.end_s - self.start_s

    @property
    def filled_s(self) -> float:
        """Seconds covered by pictures (held-in shot included)."""
        held = self.held_in.output_s if self.held_in is not None else 0.0
        lead = self.lead_out.output_s if self.lead_out is not None else 0.0
        return held + lead + sum(take.output_s for take in self.takes)


class _Ledger:
    """Which source seconds are already on screen, per source file."""

    def __init__(self) -> None:
        self.used: dict[int, list[tuple[float, float]]] = {}

    def add(self, source_id: int, start: float, end: float) -> None:
        self.used.setdefault(source_id, []).append((start, end))

    def release(self, source_id: int, start: float, end: float) -> None:
        """Give back a span added before (a take that is replaced)."""
        spans = self.used.get(source_id, [])
        if (start, end) in spans:
            spans.remove((start, end))

    def free_ranges(self, shot: CandidateShot, options: AlignmentOptions) -> list[tuple[float, float]]:
        """Clean stretches of the shot that no placed piece uses."""
        ranges = clean_ranges(shot, options)
        for used_start, used_end in sorted(self.used.get(shot.source_id, [])):
            next_ranges: list[tuple[float, float]] = []
            for low, high in ranges:
                if used_end <= low or used_start >= high:
                    next_ranges.append((low, high))
                    continue
                if used_start > low:
                    next_ranges.append((low, used_start))
                if used_end < high:
                    next_ranges.append((used_end, high))
            ranges = [(low, high) for low, high in next_ranges if high - low > _EPS]
        return ranges

    def free_before(self, shot: CandidateShot, point: float, options: AlignmentOptions) -> float:
        """Free source seconds directly before ``point`` within the shot's clean stretch holding it."""
        for low, high in self.free_ranges(shot, options):
            if low < point <= high + 1e-4:
                return point - low
        return 0.0

    def free_after(self, shot: CandidateShot, point: float, options: AlignmentOptions) -> float:
        """Free source seconds directly after ``point`` within the shot's clean stretch holding it."""
        for low, high in self.free_ranges(shot, options):
            if low - 1e-4 <= point < high:
                return high - point
        return 0.0


def _same_script(shot: CandidateShot) -> bool:
    return shot.scores.get("same_script") != 0.0


def clears_floor(shot: CandidateShot, options: AlignmentOptions) -> bool:
    """True when the shot's score reaches the relevance floor for its query's script pairing (the rule
    search uses too: :func:`montage.options.relevance.threshold_for_pairing`)."""
    floor = threshold_for_pairing(options.min_score, options.min_score_cross_script, same=_same_script(shot))
    return shot.score >= floor


def has_specific_footage(candidates: Sequence[CandidateShot], options: AlignmentOptions) -> bool:
    """True when some candidate scores like the footage of a sentence that shows something specific
    (``specific_score``): such a sentence gets a card, not B-roll, when its footage runs out."""
    if options.specific_score is None:
        return False
    for shot in candidates:
        same = _same_script(shot)
        threshold = threshold_for_pairing(
            options.specific_score, options.specific_score_cross_script, same=same
        )
        if shot.score >= threshold:
            return True
    return False


class _Scored(Protocol):
    @property
    def shot_id(self) -> int: ...

    @property
    def score(self) -> float: ...


def home_sentences(candidates: Mapping[int, Sequence[_Scored]]) -> dict[int, int]:
    """Shot id -> the sentence it scores best for among the story's sentences (its "home"; ties go to the
    earlier sentence). A shot missing from a sentence's candidates scores too low there to matter."""
    best: dict[int, tuple[float, int]] = {}
    for sentence_index in sorted(candidates):
        for shot in candidates[sentence_index]:
            current = best.get(shot.shot_id)
            if current is None or shot.score > current[0]:
                best[shot.shot_id] = (shot.score, sentence_index)
    return {shot_id: sentence_index for shot_id, (_, sentence_index) in best.items()}


def _close_enough(
    shot: CandidateShot, best: float, sentence_index: int, homes: Mapping[int, int], options: AlignmentOptions
) -> bool:
    """True when a shot other than a sentence's best scores close enough to the best to be shown too:
    ``secondary_ratio`` of it, or ``secondary_ratio_home`` when the sentence is the shot's home (no
    other sentence of the story wants it more)."""
    if shot.score >= options.secondary_ratio * best:
        return True
    home_ratio = options.secondary_ratio_home
    return (
        home_ratio is not None
        and homes.get(shot.shot_id) == sentence_index
        and shot.score >= home_ratio * best
    )


def _relevant(
    candidates: Sequence[CandidateShot],
    options: AlignmentOptions,
    *,
    sentence_index: int = -1,
    homes: Mapping[int, int] | None = None,
) -> list[CandidateShot]:
    """Shots that clear the floor, best first, then the other shots of their sources (other windows of a
    relevant source), best first.

    The best candidate of a sentence that shows something specific (:func:`has_specific_footage`) counts
    as relevant even below the floor: across languages scores are compressed, but the best match of a
    specific sentence is its footage (the calibration reports how often that holds on labelled data).
    Other shots must also score close to the best (:func:`_close_enough`; ``homes`` from
    :func:`home_sentences`).
    """
    ordered = best_first(candidates)
    seen: set[int] = set()
    ranked: list[CandidateShot] = []
    for shot in _named_pins(ordered, options):  # the best match of each thing the sentence names
        seen.add(shot.shot_id)
        ranked.append(shot)
    if ordered and ordered[0].shot_id not in seen and has_specific_footage(ordered[:1], options):
        seen.add(ordered[0].shot_id)
        ranked.append(ordered[0])
    best = ordered[0].score if ordered else 0.0
    for shot in ordered:
        close = _close_enough(shot, best, sentence_index, homes or {}, options)
        if clears_floor(shot, options) and close and shot.shot_id not in seen:
            seen.add(shot.shot_id)
            ranked.append(shot)
    sources = {shot.source_id for shot in ranked}
    for shot in ordered:
        if shot.source_id in sources and shot.shot_id not in seen:
            seen.add(shot.shot_id)
            ranked.append(shot)
    return ranked


def _source_seconds(
    source_id: int, candidates: Mapping[int, Sequence[CandidateShot]], options: AlignmentOptions
) -> float:
    """Clean seconds of all the candidate shots of one source (each shot counted once)."""
    shots = {
        shot.shot_id: shot for group in candidates.values() for shot in group if shot.source_id == source_id
    }
    return sum(high - low for shot in shots.values() for low, high in clean_ranges(shot, options))


def best_first(shots: Sequence[CandidateShot]) -> list[CandidateShot]:
    """The shots best score first (ties by shot id), each shot once."""
    seen: set[int] = set()
    ordered: list[CandidateShot] = []
    for shot in sorted(shots, key=lambda c: (-c.score, c.shot_id)):
        if shot.shot_id not in seen:
            seen.add(shot.shot_id)
            ordered.append(shot)
    return ordered


def matches_named_thing(shot: CandidateShot, named_min: float) -> bool:
    """True when the shot is the clip of a thing its sentence names: its ``named`` part reaches
    ``named_min`` (the shot's tags or title match a quoted word of the sentence)."""
    return shot.scores.get("named_position") is not None and (shot.scores.get("named") or 0.0) >= named_min


def _named_pins(relevant: Sequence[CandidateShot], options: AlignmentOptions) -> list[CandidateShot]:
    """The best shot of each named thing, in the order the things are named (one source per thing)."""
    best: dict[int, CandidateShot] = {}
    for shot in relevant:
        if not matches_named_thing(shot, options.named_min):
            continue
        position, named = int(shot.scores["named_position"] or 0), shot.scores.get("named") or 0.0
        current = best.get(position)
        if current is None or (named, shot.score) > ((current.scores.get("named") or 0.0), current.score):
            best[position] = shot
    pins: list[CandidateShot] = []
    sources: set[int] = set()
    for position in sorted(best):
        if best[position].source_id not in sources:
            pins.append(best[position])
            sources.add(best[position].source_id)
    return pins


def _fill(
    group: GroupPlan,
    sequence: Sequence[CandidateShot],
    pins: Sequence[CandidateShot],
    ledger: _Ledger,
    options: AlignmentOptions,
    *,
    fill: Fill,
    reason: str,
    need_s: float,
    allowances: Mapping[tuple[int, int], float] | None = None,
) -> float:
    """Add takes from ``sequence`` until ``need_s`` seconds are covered; returns what is left uncovered.

    ``allowances`` ((source id, sentence index) -> seconds) caps how much of a source a sentence takes: a
    clip that is the best footage of several sentences is shared out in proportion to their lengths.
    """
    remaining = need_s
    pins_left = len(pins)
    slowest = 1.0 - options.max_speed_change
    for shot in sequence:
        if remaining < options.min_shot_s - _EPS:
            break  # a sliver is not a shot: stretching, holding or a card covers it
        if group.takes and group.takes[-1].shot.shot_id == shot.shot_id:
            remaining -= _hold(group.takes[-1], min(remaining, options.max_shot_s), ledger, options)
            continue  # the same shot right after itself: run the take on rather than jump-cut
        ranges = ledger.free_ranges(shot, options)
        if not ranges:
            continue
        low, high = max(ranges, key=lambda r: (r[1] - r[0], -r[0]))
        length = high - low
        is_pin = shot in pins
        allowance = (allowances or {}).get((shot.source_id, group.sentence_index))
        if allowance is not None and not is_pin:
            taken = sum(take.source_s for take in group.takes if take.shot.source_id == shot.source_id)
            length = min(length, allowance - taken)
        if length / slowest < options.min_shot_s - _EPS:
            continue
        if is_pin:
            want = remaining / max(1, pins_left)
            pins_left -= 1
        else:
            want = min(remaining, options.max_shot_s)
        output = min(want, length / slowest)
        leftover = remaining - output
        if 0 < leftover < options.min_shot_s and length / slowest >= remaining - _EPS:
            output = remaining
        elif 0 < leftover < options.min_shot_s and remaining - options.min_shot_s >= options.min_shot_s:
            output = remaining - options.min_shot_s  # leave room for a whole shot, not a sliver
        output = max(output, min(options.min_shot_s, remaining))
        source = min(length, output)
        if source < slowest * output - _EPS:
            continue
        start = low  # from the start of the free stretch, so what is left of it stays in one piece
        take = Take(
            shot,
            round(start, 6),
            round(source, 6),
            output,
            "named" if is_pin else fill,
            _NAMED_REASON if is_pin else reason,
            group.sentence_index,
        )
        group.takes.append(take)
        ledger.add(shot.source_id, take.in_s, take.out_s)
        remaining -= output
    return max(0.0, remaining)


def _shows_named(group: GroupPlan) -> bool:
    return any(take.fill == "named" for take in group.takes)


def _prelap(
    group: GroupPlan, following: GroupPlan, deficit: float, ledger: _Ledger, options: AlignmentOptions
) -> float:
    """Start the next sentence's first shot early (a J-cut), with the frames just before its in point, to
    cover the end of ``group``; returns the seconds covered. Never more than ``max_hold_in_s``."""
    if not following.takes or following.held_in is not None or following.takes[0].fill == "broll":
        return 0.0
    if _shows_named(group) or _shows_named(following):
        return 0.0  # a named thing's picture must not run under another sentence, nor another's under it
    first = following.takes[0]
    free = ledger.free_before(first.shot, first.in_s, options)
    limit = min(deficit, options.max_hold_in_s)
    speed = first.source_s / first.output_s if first.output_s > 0 else 1.0
    gain = min(limit, free / max(speed, _EPS))
    if gain < min(options.min_shot_s, deficit) - _EPS:
        return 0.0
    source = round(gain * speed, 6)
    ledger.add(first.shot.source_id, first.in_s - source, first.in_s)
    group.lead_out = Take(
        first.shot,
        round(first.in_s - source, 6),
        source,
        gain,
        first.fill,
        f"the shot of sentence {first.sentence_index + 1} starts early (its frames just before)",
        first.sentence_index,
    )
    return gain


def _longest_free(shot: CandidateShot, ledger: _Ledger, options: AlignmentOptions) -> float:
    return max((high - low for low, high in ledger.free_ranges(shot, options)), default=0.0)


def _stretch(group: GroupPlan, deficit: float, options: AlignmentOptions) -> float:
    """Slow the group's takes (within the limit) to cover ``deficit``; returns what is still uncovered."""
    slowest = 1.0 - options.max_speed_change
    for take in group.takes:
        if deficit <= _EPS:
            break
        room = take.source_s / slowest - take.output_s
        gain = min(room, deficit)
        if gain > _EPS:
            take.output_s += gain
            deficit -= gain
    return deficit


def _hold(take: Take, deficit: float, ledger: _Ledger, options: AlignmentOptions) -> float:
    """Run ``take`` on with the frames right after it (new frames only); returns the seconds added."""
    free = ledger.free_after(take.shot, take.out_s, options)
    speed = take.source_s / take.output_s if take.output_s > 0 else 1.0
    gain = min(deficit, free / max(speed, _EPS))
    if gain <= _EPS:
        return 0.0
    ledger.add(take.shot.source_id, take.out_s, take.out_s + gain * speed)
    take.source_s = round(take.source_s + gain * speed, 6)
    take.output_s += gain
    return gain


def plan_cut(
    slots: Sequence[Slot],
    candidates: Mapping[int, Sequence[CandidateShot]],
    options: AlignmentOptions,
    *,
    broll: Sequence[CandidateShot] = (),
    left_out: Sequence[Sequence[CandidateShot]] = (),
) -> tuple[list[GroupPlan], list[str]]:
    """Plan the pictures of every sentence group (see the module docstring). Returns plans in time order.

    ``left_out`` are the candidates of sentences the narration left out: a shot that fits one of them
    best has its home there (:func:`home_sentences`)."""
    spans = sentence_spans(slots)
    headlines = {slot.sentence_index: slot.headline for slot in slots}
    warnings: list[str] = []
    groups: list[GroupPlan] = []
    merged = merge_short_spans(spans, options.min_shot_s)
    total = spans[-1].end_s
    for position, (start, end) in enumerate(merged):
        members = [s for s in spans if s.start_s >= start - _EPS and s.end_s <= end + _EPS]
        dominant = _dominant(members)
        if len(members) > 1:
            warnings.append(
                f"sentences {', '.join(str(m.sentence_index + 1) for m in members)} are too short for a shot "
                f"each; they share pictures chosen for sentence {dominant + 1}"
            )
        on_grid_start = 0.0 if position == 0 else snap_to_frame(start, options.fps)
        on_grid_end = total if position == len(merged) - 1 else snap_to_frame(end, options.fps)
        groups.append(GroupPlan(dominant, on_grid_start, on_grid_end))
    homes = home_sentences({**candidates, **{-1 - k: shots for k, shots in enumerate(left_out)}})
    relevant = {
        g.sentence_index: _relevant(
            candidates.get(g.sentence_index, ()), options, sentence_index=g.sentence_index, homes=homes
        )
        for g in groups
    }
    ledger = _Ledger()
    order = sorted(
        groups,
        key=lambda g: (
            -bool(_named_pins(relevant[g.sentence_index], options)),
            -(relevant[g.sentence_index][0].score if relevant[g.sentence_index] else -1.0),
            g.start_s,
        ),
    )
    # A clip that is the best footage of several sentences is shared out among them — unless a sentence
    # names it: then it is that sentence's.
    pinned = {pin.source_id for g in groups for pin in _named_pins(relevant[g.sentence_index], options)}
    sharing: dict[int, list[GroupPlan]] = {}
    for g in groups:
        best = relevant[g.sentence_index][0].source_id if relevant[g.sentence_index] else None
        if best is not None and best not in pinned:
            sharing.setdefault(best, []).append(g)
    allowances: dict[tuple[int, int], float] = {}
    for source, sharers in sharing.items():
        if len(sharers) > 1:  # in proportion to how long each sentence is
            total = _source_seconds(source, candidates, options)
            need = sum(g.duration_s for g in sharers)
            for g in sharers:
                allowances[(source, g.sentence_index)] = total * g.duration_s / need
    leftover: dict[int, float] = {}
    for group in order:
        shots = relevant[group.sentence_index]
        pins = _named_pins(shots, options)
        # A sentence that names things shows those things only: another relevant clip (a different
        # sign, a different person) would be taken for the thing named.
        sequence = list(pins) if pins else shots
        leftover[id(group)] = _fill(
            group,
            sequence,
            pins,
            ledger,
            options,
            fill="relevant",
            allowances=allowances,
            reason="clears the relevance floor for this sentence (or is another window of a source "
            "that does)",
            need_s=group.duration_s,
        )
    # B-roll: footage of the story — shots that clear the floor for its topic or for any of its sentences.
    story = [
        shot
        for group in groups
        for shot in candidates.get(group.sentence_index, ())
        if clears_floor(shot, options)
    ]
    broll_shots = best_first([shot for shot in [*broll, *story] if clears_floor(shot, options)])
    previous: GroupPlan | None = None
    for position, group in enumerate(groups):
        deficit = leftover[id(group)]
        own = candidates.get(group.sentence_index, ())
        nothing_specific = not relevant[group.sentence_index] and not has_specific_footage(own, options)
        if deficit > _EPS and (nothing_specific or headlines.get(group.sentence_index, False)):
            need = deficit
            # Any story shot will do here: those with a free stretch long enough for the whole need first
            # (one calm B-roll shot rather than fragments), each kind best score first.
            fitting = sorted(
                broll_shots,
                key=lambda shot: (
                    _longest_free(shot, ledger, options) < need * (1.0 - options.max_speed_change),
                    -shot.score,
                    shot.shot_id,
                ),
            )
            deficit = _fill(
                group,
                fitting,
                (),
                ledger,
                options,
                fill="broll",
                reason="footage of the story (it clears the floor for the title, another sentence or the "
                "description of a shot another sentence shows): "
                + (
                    "the headline opens on it"
                    if not nothing_specific
                    else "nothing shows this sentence specifically"
                ),
                need_s=deficit,
            )
        if deficit > _EPS:
            deficit = _stretch(group, deficit, options)
        if deficit > _EPS and group.takes:
            deficit -= _hold(group.takes[-1], deficit, ledger, options)
        if (
            deficit > _EPS
            and previous is not None
            and previous.card_s <= _EPS
            and previous.lead_out is None
            and previous.takes
            and not _shows_named(group)
            and not _shows_named(previous)
        ):
            last = previous.takes[-1]
            if last.fill != "broll":
                held = Take(last.shot, last.out_s, 0.0, 0.0, "held", "", last.sentence_index)
                limit = deficit if not group.takes else min(deficit, options.max_hold_in_s)
                gained = _hold(held, limit, ledger, options)
                if gained >= options.min_shot_s - _EPS or (gained >= deficit - _EPS and not group.takes):
                    held.reason = (
                        f"the relevant shot of sentence {last.sentence_index + 1} runs on (new frames)"
                    )
                    group.held_in = held
                    deficit -= gained
                elif gained >= deficit - _EPS:
                    _extend_into(previous, group, held, ledger, options)
                    deficit = 0.0
                elif gained > 0:
                    ledger.used[last.shot.source_id].pop()
        if deficit > _EPS and position + 1 < len(groups):
            deficit -= _prelap(group, groups[position + 1], deficit, ledger, options)
        if _EPS < deficit < options.min_shot_s and group.takes:
            deficit += _make_room(group, options.min_shot_s - deficit, options)
        if _EPS < deficit < options.min_shot_s and group.held_in is None and group.lead_out is None:
            # A short sentence with a sliver of card left: one shot for the whole of it, if any fits.
            spare = broll_shots if (nothing_specific or headlines.get(group.sentence_index, False)) else []
            if _one_take(group, relevant[group.sentence_index], spare, ledger, options):
                deficit = 0.0
        if deficit > _EPS:
            group.card_s = deficit
            group.card_reason = (
                "no unused footage clears the relevance floor"
                if not group.takes and group.held_in is None
                else "the relevant footage is shorter than the sentence"
            )
        previous = group
    _slide_to_action(groups, ledger, options)
    return groups, warnings


def _slide_to_action(groups: Sequence[GroupPlan], ledger: _Ledger, options: AlignmentOptions) -> None:
    """Once every piece is placed, move each take within the free footage around it to where the picture
    changes clearly more (:func:`active_start`): a car driving in rather than the empty car park before it.

    Only what no other piece uses is reached, so the plan keeps every shot, length and hold it had; a
    take that another piece continues on screen (its shot run on under the next sentence, or started
    early under the one before) stays where it is.
    """
    joints = [(g.held_in.shot.source_id, g.held_in.in_s) for g in groups if g.held_in is not None]
    joints += [(g.lead_out.shot.source_id, g.lead_out.out_s) for g in groups if g.lead_out is not None]

    def continued(take: Take) -> bool:  # a hold starts at its out point, or a J-cut ends at its in point
        return any(
            source_id == take.shot.source_id and min(abs(at - take.in_s), abs(at - take.out_s)) < 1e-4
            for source_id, at in joints
        )

    for group in groups:
        for take in group.takes:
            source_id = take.shot.source_id
            if (take.in_s, take.out_s) not in ledger.used.get(source_id, []) or continued(take):
                continue
            ledger.release(source_id, take.in_s, take.out_s)
            around = next(
                (
                    (low, high)
                    for low, high in ledger.free_ranges(take.shot, options)
                    if low - 1e-6 <= take.in_s and take.out_s <= high + 1e-6
                ),
                None,
            )
            if around is not None:
                start = round(active_start(take.shot, *around, take.source_s, take.in_s, options), 6)
                if start != take.in_s:
                    take.in_s = start
                    take.reason += "; placed where the picture moves most in its free footage"
            ledger.add(take.shot.source_id, take.in_s, take.out_s)


def _extend_into(
    previous: GroupPlan, group: GroupPlan, held: Take, ledger: _Ledger, options: AlignmentOptions
) -> None:
    """A run-on too short to be a shot of its own (a few frames) becomes part of the previous shot: its cut
    moves that far into this sentence instead of leaving a flash segment between the two."""
    last = previous.takes[-1]
    ledger.used[last.shot.source_id].pop()  # the run-on's span, added last by _hold
    ledger.release(last.shot.source_id, last.in_s, last.out_s)
    last.source_s = round(last.source_s + held.source_s, 6)
    last.output_s += held.output_s
    ledger.add(last.shot.source_id, last.in_s, last.out_s)
    moved = snap_to_frame(group.start_s + held.output_s, options.fps)
    previous.end_s = group.start_s = moved


def _one_take(
    group: GroupPlan,
    relevant: Sequence[CandidateShot],
    broll: Sequence[CandidateShot],
    ledger: _Ledger,
    options: AlignmentOptions,
) -> bool:
    """Replace the group's takes by one shot covering all of it: relevant shots first, then B-roll, the
    first with a free clean stretch long enough at the speed limit. False (nothing changed) if none fits."""
    slowest = 1.0 - options.max_speed_change
    for take in group.takes:
        ledger.release(take.shot.source_id, take.in_s, take.out_s)
    choices: list[tuple[CandidateShot, Fill]] = [(shot, "relevant") for shot in relevant]
    choices += [(shot, "broll") for shot in broll]
    for shot, fill in choices:
        low, high = max(ledger.free_ranges(shot, options), key=lambda r: r[1] - r[0], default=(0.0, 0.0))
        if high - low >= group.duration_s * slowest - _EPS:
            source = round(min(high - low, group.duration_s), 6)
            reason = "one shot for the whole of a short sentence" + (
                "" if fill == "relevant" else " (footage of the story)"
            )
            group.takes = [
                Take(shot, round(low, 6), source, group.duration_s, fill, reason, group.sentence_index)
            ]
            ledger.add(shot.source_id, round(low, 6), round(low + source, 6))
            return True
    for take in group.takes:
        ledger.add(take.shot.source_id, take.in_s, take.out_s)
    return False


def _make_room(group: GroupPlan, room: float, options: AlignmentOptions) -> float:
    """Shorten the group's takes (never below ``min_shot_s``) so a card gets ``room`` more seconds."""
    given = 0.0
    for take in reversed(group.takes):
        cut = min(room - given, take.output_s - options.min_shot_s)
        if cut > _EPS:
            take.output_s -= cut
            take.source_s = round(min(take.source_s, take.output_s), 6)
            given += cut
    return given


def _dominant(members: Sequence[SentenceSpan]) -> int:
    return max(members, key=lambda s: (s.end_s - s.start_s, -s.start_s)).sentence_index


def frame_bounds(group: GroupPlan, fps: float) -> list[tuple[float, float]]:
    """Start and end on the output frame grid of each picture of the group (held-in, takes, card)."""
    lengths = ([group.held_in.output_s] if group.held_in else []) + [t.output_s for t in group.takes]
    if group.card_s > _EPS:
        lengths.append(group.card_s)
    if group.lead_out is not None:
        lengths.append(group.lead_out.output_s)
    edges = [group.start_s]
    for length in itertools.accumulate(lengths):
        edges.append(snap_to_frame(group.start_s + length, fps))
    edges[-1] = group.end_s
    return list(itertools.pairwise(edges))
