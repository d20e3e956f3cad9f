"""Cut quality: index the labelled footage, run ``montage make --dry-run`` on every labelled article and judge
each timeline against the editor's labels (``montage.evaluation.cut_labels``).

    .venv/bin/python bench/bench_cut_quality.py [--footage ../shared/footage]
        [--eval ../shared/eval] [--eval bench/eval] [--workdir DIR] [--verbose]

Prints JSON: per article and per label set and language, the share of judged segments that are right, the
share of judged segments showing a clip the labels call wrong, the share of all segments that are title
cards, the stricter share of judged screen time that is right, and seconds per article. The shared set
(``../shared/eval``) and the project's own set (``bench/eval``, labelled before the first run) are reported
separately, so defaults tuned to one set show up as a gap on the other. Skips with a reason (exit 0) when
the footage is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from sqlalchemy import select  # noqa: E402

from indexer.runner import IndexRequest, run_index  # noqa: E402
from montage.config import Settings  # noqa: E402
from montage.db.database import Database, open_database  # noqa: E402
from montage.db.models import Source  # noqa: E402
from montage.evaluation.cut_labels import (  # noqa: E402
    CutJudgement,
    LabelRule,
    clip_key,
    judge_segments,
    normalise,
    read_labels,
)
from montage.pipeline.make import make_video  # noqa: E402
from montage.pipeline.types import MakeRequest  # noqa: E402
from montage.search.channels import open_channels  # noqa: E402
from montage.timeline.model import Timeline  # noqa: E402


def _language(text: str) -> str:
    han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return "zh" if han > len(text) * 0.1 else "en"


def clip_seconds(db: Database, footage: Path) -> dict[str, float]:
    """Length of every indexed file, keyed like the labels (path relative to the footage root)."""
    with db.sessions() as session:
        return {
            clip_key(source.path, footage): float(source.duration_s or 0.0)
            for source in session.scalars(select(Source))
        }


def time_ceiling(
    timeline: Timeline, rules: list[LabelRule], seconds: dict[str, float], slowest: float
) -> float | None:
    """The most judged screen time accepted clips could fill if each sentence had them all to itself
    (every accepted clip whole, slowed to the limit): an upper bound of ``right_time_share``."""
    narration = sorted(timeline.narration, key=lambda clip: clip.start_s)
    total = timeline.duration_s
    starts = [0.0] + [clip.start_s for clip in narration[1:]]
    ends = [clip.start_s for clip in narration[1:]] + [total]
    judged = fillable = 0.0
    for clip, start, end in zip(narration, starts, ends, strict=True):
        sentence = normalise(clip.text)
        accepted = {path for rule in rules if rule.match in sentence for path in rule.relevant}
        if not accepted:
            continue
        span = end - start
        judged += span
        fillable += min(span, sum(seconds.get(path, 0.0) for path in accepted) / slowest)
    return round(fillable / judged, 3) if judged > 0 else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--footage", type=Path, default=ROOT.parent / "shared" / "footage")
    parser.add_argument("--eval", type=Path, action="append", dest="eval_dirs")
    parser.add_argument("--workdir", type=Path, default=None, help="Data dir to keep (index reused).")
    parser.add_argument("--verbose", action="store_true", help="Print every segment's verdict too.")
    args = parser.parse_args()
    eval_dirs = args.eval_dirs or [ROOT.parent / "shared" / "eval", ROOT / "bench" / "eval"]
    footage: Path = args.footage.resolve()
    if not (footage / "manifest.csv").is_file():
        print(json.dumps({"skipped": f"no labelled footage at {footage} (needs manifest.csv)"}))
        return 0
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="montage-cutq-"))
    settings = Settings(data_dir=workdir / "data")
    db = open_database(settings)
    started = time.perf_counter()
    channels = open_channels(settings.embedding)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    report = run_index(settings, db, channels, IndexRequest([footage], manifests=[footage / "manifest.csv"]))
    index_s = time.perf_counter() - started

    seconds = clip_seconds(db, footage)
    slowest = 1.0 - settings.alignment.max_speed_change
    sets: dict[str, Any] = {}
    for eval_dir in eval_dirs:
        labels = read_labels(eval_dir / "labels.json")
        totals: dict[str, CutJudgement] = {}
        articles: dict[str, Any] = {}
        for name, rules in sorted(labels.items()):
            article = eval_dir / "articles" / name
            language = _language(article.read_text(encoding="utf-8"))
            started = time.perf_counter()
            result = make_video(
                MakeRequest(article=str(article), kind="file", dry_run=True),
                settings=settings,
                db=db,
                channels=channels,
                out_dir=workdir / "out" / eval_dir.name,
                name=article.stem,
            )
            elapsed = time.perf_counter() - started
            judgement = judge_segments(result.timeline.segments, rules, footage)
            totals.setdefault(language, CutJudgement()).add(judgement)
            entry = {
                "language": language,
                "seconds": round(elapsed, 2),
                **judgement.to_json(),
                "right_time_ceiling": time_ceiling(result.timeline, rules, seconds, slowest),
            }
            if args.verbose:
                entry["verdicts"] = [vars(v) for v in judgement.verdicts]
            articles[name] = entry
        sets[str(eval_dir)] = {
            "articles": articles,
            "languages": {language: total.to_json() for language, total in sorted(totals.items())},
        }
    print(
        json.dumps(
            {
                "text_model": channels.text.model_id,
                "visual_channel": "available" if channels.visual else channels.visual_reason,
                "model_load_s": round(load_s, 2),
                "index_s": round(index_s, 2),
                "shots": report.shots_written,
                "sets": sets,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
