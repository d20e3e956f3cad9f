"""``make_video``: an article in, a narrated video cut from the library out — every choice explained.

Stages are plain functions over plain data; this module only wires them, times them and reports progress.
All outputs are written in a hidden staging folder and moved into place at the end, so a failed or
cancelled run leaves no partial files behind.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from montage.anchors.extract import extract_anchors
from montage.anchors.model import Anchors
from montage.article.loader import load_article
from montage.article.model import Article
from montage.config import Settings
from montage.db.database import Database
from montage.errors import InputError
from montage.media.audio_check import require_audio
from montage.narration.llm_rewrite import rewrite_with_llm
from montage.narration.script import NarrationScript
from montage.narration.summarize import summarize_article
from montage.pipeline.candidate_scoring import rank_candidates
from montage.pipeline.home_context import left_out_sentences
from montage.pipeline.outputs import write_outputs
from montage.pipeline.story_footage import best_per_shot, story_footage_texts
from montage.pipeline.types import CancelledError, MakeRequest, MakeResult, ShouldCancel, StageProgress
from montage.retrieval.calibration import relevance_floor
from montage.retrieval.candidates import gather_candidates
from montage.retrieval.ranking import query_named_things
from montage.search.channels import Channels
from montage.speech.records import SentenceAudio
from montage.speech.sentence_synthesis import synthesize_sentences
from montage.timeline.align import align
from montage.timeline.assemble import build_timeline, narration_clips
from montage.timeline.model import MusicTrack
from montage.timeline.plan_inputs import Slot

T = TypeVar("T")

SENTENCE_GAP_S = 0.25
"""Silence after each narration sentence; its slot (and picture) covers the gap too."""


@dataclass
class _Clock:
    progress: StageProgress | None
    should_cancel: ShouldCancel | None
    seconds: dict[str, float]

    def checkpoint(self) -> None:
        """Raise :class:`CancelledError` when the run should stop (called inside long stages too)."""
        if self.should_cancel is not None and self.should_cancel():
            raise CancelledError("the job was cancelled")

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.checkpoint()
        if self.progress is not None:
            self.progress(name, 0.0)
        started = time.perf_counter()
        yield
        self.seconds[name] = round(time.perf_counter() - started, 3)
        if self.progress is not None:
            self.progress(name, 1.0)


def read_article(request: MakeRequest, settings: Settings) -> Article:
    """Stage 1: load the article from text, a file or a URL."""
    source: str | Path = request.article
    kind = request.kind
    if kind == "file":
        source, kind = Path(request.article), "auto"
    if not str(request.article).strip():
        raise InputError("the article is empty", code="article_empty")
    return load_article(source, options=settings.article, kind=kind)


def write_script(
    article: Article,
    request: MakeRequest,
    settings: Settings,
    channels: Channels,
    checkpoint: Callable[[], None] | None = None,
) -> NarrationScript:
    """Stage 2: the narration script within the target length (extractive, optionally LLM-polished).

    ``checkpoint`` is called inside the stage and raises to stop it (a cancelled job).
    """
    update: dict[str, object] = {}
    if request.duration_s is not None:
        update = {"target_duration_s": request.duration_s, "target_words": None}
    elif request.words is not None:
        update = {"target_words": request.words, "target_duration_s": None}
    options = settings.narration.model_copy(update=update)
    script = summarize_article(article, channels.text, options, checkpoint=checkpoint)
    if options.llm.enabled:
        script = rewrite_with_llm(script, options.llm, options)
    return script


def speak(script: NarrationScript, request: MakeRequest, settings: Settings) -> list[SentenceAudio]:
    """Stage 4: one loudness-normalised WAV per script sentence, with its real duration."""
    return synthesize_sentences(
        [sentence.text for sentence in script.sentences],
        engine=settings.speech.engine,
        voice=request.voice or settings.speech.voice,
        language=script.language,
        cache_dir=settings.cache_dir / "speech",
        options=settings.speech,
    )


def narration_slots(script: NarrationScript, anchors: Anchors, audio: list[SentenceAudio]) -> list[Slot]:
    """Place the sentences one after another; each slot lasts its audio plus a short gap."""
    slots: list[Slot] = []
    clock = 0.0
    by_index = {sentence_anchors.index: sentence_anchors for sentence_anchors in anchors.sentences}
    for sentence, clip in zip(script.sentences, audio, strict=True):
        found = by_index.get(sentence.index)
        anchor = found.keyphrases[0] if found is not None and found.keyphrases else None
        salience = found.salience if found is not None else sentence.salience
        duration = clip.duration_s + SENTENCE_GAP_S
        slots.append(
            Slot(
                sentence.index,
                sentence.text,
                round(clock, 6),
                round(duration, 6),
                salience,
                anchor,
                headline=sentence.is_title,
            )
        )
        clock += duration
    return slots


def topic_query(article: Article, anchors: Anchors) -> str:
    """What the story is about, for B-roll: the article title, else the anchors' topic."""
    return (article.title or anchors.topic or "").strip()


def make_video(
    request: MakeRequest,
    *,
    settings: Settings,
    db: Database,
    channels: Channels,
    out_dir: Path,
    name: str = "video",
    progress: StageProgress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> MakeResult:
    """Run the whole pipeline and write ``out_dir/NAME.{mp4,srt,vtt,timeline.json,otio,jpg}``."""
    clock = _Clock(progress, should_cancel, {})
    warnings: list[str] = []
    if channels.visual is None:
        warnings.append(f"visual channel unavailable: {channels.visual_reason}; shots chosen on text only")
    render_options = settings.render.model_copy(
        update={
            "aspect": request.aspect,
            "burn_subtitles": request.burn_subtitles,
            "music_path": request.music_path or settings.render.music_path,
        }
    )
    if render_options.music_path is not None:
        require_audio(Path(render_options.music_path))  # music_not_found / music_not_audio, before any work
    width, height = render_options.frame_size(request.aspect)
    with clock.stage("article"):
        article = read_article(request, settings)
    with clock.stage("narration"):
        script = write_script(article, request, settings, channels, clock.checkpoint)
        warnings.extend(script.warnings)
    with clock.stage("anchors"):
        anchors = extract_anchors(script, article, checkpoint=clock.checkpoint)
    with clock.stage("speech"):
        audio = speak(script, request, settings)
        slots = narration_slots(script, anchors, audio)
    with clock.stage("retrieval"):
        floor = relevance_floor(
            channels.text.model_id,
            channels.visual.model_id if channels.visual is not None else None,
            settings.alignment.min_score,
        )
        if floor.origin != "calibrated":
            warnings.append(
                f"no relevance floor is calibrated for {floor.key}; using {floor.value:.3f} "
                "(run bench/calibrate_relevance.py on labelled footage)"
            )
        # A sentence is searched with its text alone, so search and make rank it the same.
        texts = [sentence.text for sentence in script.sentences]
        topic = topic_query(article, anchors)
        if topic:
            texts.append(topic)
        left_out = left_out_sentences(article, script)
        texts.extend(left_out)
        pool = gather_candidates(
            db.sessions,
            channels,
            texts,
            index_dir=settings.index_dir,
            per_channel=settings.candidates_per_sentence,
            named=[query_named_things(text) for text in texts],
        )
        rows = rank_candidates(pool, texts, floor.weights(settings.relevance))
        ranked = {sentence.index: rows[i] for i, sentence in enumerate(script.sentences)}
        broll = rows[len(script.sentences)] if topic else []
        left_out_rows = rows[len(texts) - len(left_out) :]
        story = story_footage_texts(ranked, pool, floor, named_min=settings.alignment.named_min)
        if story:  # footage described like the footage the story's sentences show (B-roll only)
            like = gather_candidates(
                db.sessions,
                channels,
                story,
                index_dir=settings.index_dir,
                per_channel=settings.candidates_per_sentence,
                named=[[] for _ in story],
            )
            broll = best_per_shot([broll, *rank_candidates(like, story, floor.weights(settings.relevance))])
    with clock.stage("alignment"):
        alignment_options = settings.alignment.model_copy(
            update={
                "fps": render_options.fps,
                "min_score": floor.value,
                "min_score_cross_script": floor.cross_script,
                "specific_score": floor.specific,
                "specific_score_cross_script": floor.specific_cross_script,
                "secondary_ratio": floor.secondary_ratio or 0.0,
                "secondary_ratio_home": floor.secondary_ratio_home,
            }
        )
        alignment = align(slots, ranked, alignment_options, broll=broll, left_out=left_out_rows)
        music = (
            MusicTrack(str(render_options.music_path), render_options.music_gain_db)
            if render_options.music_path
            else None
        )
        timeline = build_timeline(
            alignment,
            narration_clips(slots, {clip.index: str(clip.path) for clip in audio}),
            width=width,
            height=height,
            fps=render_options.fps,
            aspect=request.aspect,
            music=music,
        )
        warnings.extend(timeline.warnings)
    if request.dry_run:
        final = write_outputs(
            timeline, out_dir=out_dir, name=name, render_options=None, should_cancel=should_cancel
        )
    else:
        with clock.stage("render"):
            final = write_outputs(
                timeline,
                out_dir=out_dir,
                name=name,
                render_options=render_options,
                progress=progress,
                should_cancel=should_cancel,
            )
    return MakeResult(
        outputs=final,
        timeline=timeline,
        warnings=warnings,
        stage_seconds=clock.seconds,
    )
