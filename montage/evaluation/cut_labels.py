"""Read labels of acceptable clips and judge a timeline against them.

The label format (the one ``../shared/eval/README.md`` describes): a JSON object mapping an article's
file name to a list of rules ``{"match": PHRASE, "relevant": [CLIP, ...]}``. A rule applies to every
segment whose sentence contains ``match`` (both compared after Unicode NFKC and lower-casing). Such a
segment is *judged*: right when its shot comes from one of the ``relevant`` clips (paths relative to the
footage root), wrong when it shows another clip or a title card. Segments of sentences without a rule are
not judged.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from montage.errors import InputError
from montage.timeline.model import Segment


@dataclass(frozen=True)
class LabelRule:
    """Clips an editor accepts for sentences that contain ``match``."""

    match: str
    relevant: frozenset[str]


@dataclass(frozen=True)
class SegmentVerdict:
    """How one timeline segment was judged: ``right``, ``wrong_clip``, ``card`` or ``unjudged``."""

    index: int
    sentence_index: int
    verdict: str
    clip: str | None
    seconds: float


@dataclass
class CutJudgement:
    """Counts over one timeline; shares are computed by the properties."""

    segments: int = 0
    judged: int = 0
    right: int = 0
    wrong_clip: int = 0
    judged_cards: int = 0
    cards: int = 0
    judged_seconds: float = 0.0
    right_seconds: float = 0.0
    verdicts: list[SegmentVerdict] = field(default_factory=list)

    def add(self, other: CutJudgement) -> None:
        """Add another judgement's counts to this one (for per-language totals)."""
        for name in ("segments", "judged", "right", "wrong_clip", "judged_cards", "cards"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.judged_seconds += other.judged_seconds
        self.right_seconds += other.right_seconds

    @property
    def right_share(self) -> float | None:
        """Share of judged segments showing an accepted clip."""
        return self.right / self.judged if self.judged else None

    @property
    def wrong_clip_share(self) -> float | None:
        """Share of judged segments showing a clip the labels do not accept (cards not counted)."""
        return self.wrong_clip / self.judged if self.judged else None

    @property
    def card_share(self) -> float | None:
        """Share of all segments that are title cards."""
        return self.cards / self.segments if self.segments else None

    @property
    def right_time_share(self) -> float | None:
        """Share of judged screen time showing an accepted clip (stricter than counting segments)."""
        return self.right_seconds / self.judged_seconds if self.judged_seconds > 0 else None

    def to_json(self) -> dict[str, Any]:
        """Counts and shares, rounded for printing."""

        def share(value: float | None) -> float | None:
            return None if value is None else round(value, 3)

        return {
            "segments": self.segments,
            "judged": self.judged,
            "right": self.right,
            "wrong_clip": self.wrong_clip,
            "judged_cards": self.judged_cards,
            "cards": self.cards,
            "right_share": share(self.right_share),
            "wrong_clip_share": share(self.wrong_clip_share),
            "card_share": share(self.card_share),
            "right_time_share": share(self.right_time_share),
        }


def normalise(text: str) -> str:
    """Unicode NFKC, lower case: how label phrases and sentences are compared."""
    return unicodedata.normalize("NFKC", text).lower()


def parse_labels(data: object) -> dict[str, list[LabelRule]]:
    """Rules per article file name from decoded label JSON. Raises InputError on a malformed file."""
    if not isinstance(data, Mapping):
        raise InputError("labels must be a JSON object mapping article names to rules", code="bad_labels")
    labels: dict[str, list[LabelRule]] = {}
    for article, rules in data.items():
        if not isinstance(rules, list):
            raise InputError(f"labels for {article!r} must be a list of rules", code="bad_labels")
        parsed = []
        for rule in rules:
            match = rule.get("match") if isinstance(rule, Mapping) else None
            relevant = rule.get("relevant") if isinstance(rule, Mapping) else None
            if not isinstance(match, str) or not match.strip() or not isinstance(relevant, list):
                raise InputError(
                    f"a rule for {article!r} needs a non-empty 'match' and a 'relevant' list",
                    code="bad_labels",
                )
            parsed.append(LabelRule(normalise(match), frozenset(str(PurePosixPath(p)) for p in relevant)))
        labels[str(article)] = parsed
    return labels


def read_labels(path: Path) -> dict[str, list[LabelRule]]:
    """Rules per article from a labels JSON file. Raises InputError when unreadable or malformed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read labels {path}: {exc}", code="bad_labels") from exc
    return parse_labels(data)


def clip_key(path: str, footage_root: Path) -> str:
    """A shot's file as a path relative to the footage root (POSIX), or the path itself when outside it."""
    try:
        return Path(path).resolve().relative_to(footage_root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def judge_segments(
    segments: Sequence[Segment], rules: Sequence[LabelRule], footage_root: Path
) -> CutJudgement:
    """Judge the segments of one timeline against one article's rules."""
    judgement = CutJudgement()
    for segment in segments:
        sentence = normalise(segment.sentence)
        clip = clip_key(segment.shot.path, footage_root) if segment.shot else None
        seconds = segment.duration_s
        applying = [rule for rule in rules if rule.match in sentence]
        judgement.segments += 1
        judgement.cards += clip is None
        if not applying:
            verdict = "unjudged" if clip is not None else "card"
        else:
            judgement.judged += 1
            judgement.judged_seconds += seconds
            if clip is not None and any(clip in rule.relevant for rule in applying):
                verdict = "right"
                judgement.right += 1
                judgement.right_seconds += seconds
            elif clip is None:
                verdict = "card"
                judgement.judged_cards += 1
            else:
                verdict = "wrong_clip"
                judgement.wrong_clip += 1
        judgement.verdicts.append(
            SegmentVerdict(segment.index, segment.sentence_index, verdict, clip, seconds)
        )
    return judgement
