"""Rendering an edited cut: the library lookup edits need, and ``rerender``.

Edits themselves are pure functions over the timeline (``montage.timeline.edits``). A rewritten sentence
loses its narration audio path; ``rerender`` synthesises only those sentences (every other sentence keeps its
audio), shifts the timing of what follows, and renders. Retrieval and alignment are not redone: the editor's
choices stand.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from montage.config import Settings
from montage.db.database import Database
from montage.db.repositories.shots import shots_by_ids
from montage.pipeline.outputs import write_outputs
from montage.pipeline.types import MakeResult, ShouldCancel, StageProgress
from montage.search.channels import Channels
from montage.speech.sentence_synthesis import synthesize_sentences
from montage.text.scripts import is_cjk_text
from montage.timeline.edits import PENDING_SPEECH, LibraryShot, ShotLookup
from montage.timeline.model import Segment, Timeline


def library_shot_lookup(db: Database) -> ShotLookup:
    """A lookup of any library shot by id, for swapping in shots found by search."""

    def lookup(shot_id: int) -> LibraryShot | None:
        with db.sessions() as session:
            shot = shots_by_ids(session, [shot_id]).get(shot_id)
            if shot is None:
                return None
            return LibraryShot(shot.source.path, shot.source.id, shot.start_s, shot.end_s)

    return lookup


def _language_of(text: str) -> str:
    return "zh" if is_cjk_text(text) else "en"


def _resynthesize(timeline: Timeline, settings: Settings) -> Timeline:
    """Speak the sentences that lost their audio; shift everything after a sentence whose length changed."""
    missing = [
        n for n in timeline.narration if n.path.startswith(PENDING_SPEECH) or not Path(n.path).is_file()
    ]
    if not missing:
        return timeline
    new_audio = {}
    for clip in missing:
        (audio,) = synthesize_sentences(
            [clip.text],
            engine=settings.speech.engine,
            voice=settings.speech.voice,
            language=_language_of(clip.text),
            cache_dir=settings.cache_dir / "speech",
            options=settings.speech,
        )
        new_audio[clip.sentence_index] = audio
    narration = []
    segments: list[Segment] = []
    shift = 0.0
    for clip in sorted(timeline.narration, key=lambda n: n.start_s):
        pieces = [s for s in timeline.segments if s.sentence_index == clip.sentence_index]
        slot_start = min((s.start_s for s in pieces), default=clip.start_s)
        slot_end = max((s.end_s for s in pieces), default=clip.start_s + clip.duration_s)
        old_slot = slot_end - slot_start
        if clip.sentence_index in new_audio:
            audio = new_audio[clip.sentence_index]
            gap = max(0.0, old_slot - clip.duration_s)
            new_slot = audio.duration_s + gap
            clip = replace(clip, path=str(audio.path), duration_s=audio.duration_s)
        else:
            new_slot = old_slot
        scale = new_slot / old_slot if old_slot > 0 else 1.0
        new_start = slot_start + shift
        narration.append(replace(clip, start_s=round(clip.start_s + shift, 6)))
        cursor = new_start
        for piece in pieces:
            length = (piece.end_s - piece.start_s) * scale
            shot = piece.shot
            if shot is not None:
                shot = replace(shot, out_s=round(shot.in_s + length * shot.speed, 6))
            segments.append(
                replace(piece, start_s=round(cursor, 6), end_s=round(cursor + length, 6), shot=shot)
            )
            cursor += length
        shift += new_slot - old_slot
    segments.sort(key=lambda s: s.start_s)
    segments = [replace(s, index=i) for i, s in enumerate(segments)]
    return replace(timeline, segments=segments, narration=narration, duration_s=round(segments[-1].end_s, 6))


def rerender(
    timeline: Timeline,
    *,
    settings: Settings,
    db: Database,
    channels: Channels,
    out_dir: Path,
    name: str = "video",
    progress: StageProgress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> MakeResult:
    """Render an (edited) timeline: re-synthesise only rewritten sentences, then render and write outputs."""
    del db, channels  # retrieval and alignment are not redone; kept for a uniform signature
    if progress:
        progress("speech", 0.0)
    cut = _resynthesize(timeline, settings)
    if progress:
        progress("speech", 1.0)
    render_options = settings.render.model_copy(
        update={"aspect": cut.aspect, "width": cut.width, "height": cut.height, "fps": cut.fps}
    )
    final = write_outputs(
        cut,
        out_dir=out_dir,
        name=name,
        render_options=render_options,
        progress=progress,
        should_cancel=should_cancel,
    )
    return MakeResult(outputs=final, timeline=cut, warnings=list(cut.warnings))
