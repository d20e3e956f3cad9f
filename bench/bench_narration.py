"""Benchmark narration (and anchors) time against article length, up to the service's maximum; prints JSON.

Articles are built by ``montage.evaluation.long_article`` from the paragraphs of ``bench/eval/articles``
(varied copies: new names and years in each, so the vocabulary grows as in real text). The baseline,
measured in the same run on the same text, is loading the article (Markdown parsing and sentence
splitting: one linear pass). Wall and CPU times (CPU counts every thread of the process, so it moves less
when other programs share the cores) are each the best of ``--repeats`` runs, after one warm-up (model
loaded, jieba's dictionary built), with the default text model on CPU.

    python bench/bench_narration.py                       # 5k, 25k, 50k, 100k, 200k characters
    python bench/bench_narration.py --sizes 5000 200000 --repeats 3
    python bench/bench_narration.py --unbounded           # also time the graph without its bound (before)
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar
from unittest.mock import patch

from montage.anchors.extract import extract_anchors
from montage.article.loader import load_article
from montage.config import Settings
from montage.embedding.text_encoder import load_text_encoder
from montage.evaluation.long_article import article_paragraphs, long_article
from montage.narration import summarize
from montage.narration.graph_bound import GRAPH_SENTENCES_MAX, graph_members
from montage.narration.summarize import summarize_article

T = TypeVar("T")
ARTICLES = Path(__file__).resolve().parent / "eval" / "articles"
SIZES = (5_000, 25_000, 50_000, 100_000, 200_000)


def best_of(repeats: int, work: Callable[[], T]) -> tuple[float, float, T]:
    """The shortest wall time and the shortest CPU time (all threads) of ``repeats`` runs, and a result."""
    wall = cpu = float("inf")
    result: T | None = None
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = work()
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - started_cpu)
    assert result is not None
    return wall, cpu, result


def main() -> None:
    """Measure each size and print one JSON object."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="Article lengths (chars).")
    parser.add_argument("--repeats", type=int, default=1, help="Runs per size; the best time is kept.")
    parser.add_argument(
        "--unbounded", action="store_true", help="Also time narration with every sentence in the graph."
    )
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    settings = Settings()
    embedder = load_text_encoder(settings.embedding)
    paragraphs = article_paragraphs(ARTICLES)
    warm = load_article(long_article(paragraphs, 5_000), options=settings.article, kind="markdown")
    extract_anchors(summarize_article(warm, embedder, settings.narration), warm)

    rows = []
    for size in args.sizes:
        text = long_article(paragraphs, size)
        split_s, split_cpu_s, article = best_of(
            args.repeats, partial(load_article, text, options=settings.article, kind="markdown")
        )
        narration_s, narration_cpu_s, script = best_of(
            args.repeats, partial(summarize_article, article, embedder, settings.narration)
        )
        anchors_s, anchors_cpu_s, _anchors = best_of(args.repeats, partial(extract_anchors, script, article))
        row: dict[str, float] = {
            "chars": size,
            "sentences": len(article.sentences),
            "graph_sentences": min(len(article.sentences), GRAPH_SENTENCES_MAX),
            "baseline_split_s": round(split_s, 3),
            "narration_s": round(narration_s, 3),
            "anchors_s": round(anchors_s, 3),
            "baseline_split_cpu_s": round(split_cpu_s, 3),
            "narration_cpu_s": round(narration_cpu_s, 3),
            "anchors_cpu_s": round(anchors_cpu_s, 3),
            "narration_cpu_per_100k_chars_s": round(narration_cpu_s / size * 100_000, 3),
        }
        if args.unbounded:
            lifted = partial(graph_members, limit=len(article.sentences) + 1)
            with patch.object(summarize, "graph_members", lifted):
                unbounded_s, unbounded_cpu_s, _script = best_of(
                    args.repeats, partial(summarize_article, article, embedder, settings.narration)
                )
            row["unbounded_narration_s"] = round(unbounded_s, 3)
            row["unbounded_narration_cpu_s"] = round(unbounded_cpu_s, 3)
        rows.append(row)
    print(
        json.dumps(
            {
                "text_model": embedder.model_id,
                "graph_sentences_max": GRAPH_SENTENCES_MAX,
                "cpus": os.cpu_count(),
                "rows": rows,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
