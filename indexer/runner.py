"""The index run: discover files, skip unchanged ones, analyse the rest in parallel, store, sync FAISS.

Safe to interrupt at any moment (even SIGKILL): each file's source, shots and vectors are written in one
transaction, keyframe files are written atomically before it, and the FAISS indexes are brought up to
date from the database whenever their library revision is behind — so a second run finishes the job with
no duplicate or lost shots.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing, nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import select

from indexer.analysis_types import AnalysisOptions
from indexer.discover import DiscoveredFile, content_fingerprint, scan_library
from indexer.early_keyframes import EarlyKeyframes
from indexer.file_store import StoreContext, StoredFile, source_text, store_outcome
from indexer.file_worker import FileJob, FileOutcome, offer_keyframes_to, process_file
from indexer.keyframe_store import KeyframeStore
from indexer.library_manifests import LibraryManifests, load_manifests, manifest_files, remembered_fields
from indexer.library_scope import library_folders, report_refused, sources_outside
from indexer.library_writer import refresh_text, update_credits
from indexer.near_duplicates import regroup_near_duplicates
from indexer.progress import ProgressSink, SilentProgress
from indexer.shot_vectors import text_vectors
from indexer.vector_sync import ChannelSync, sync_vector_indexes
from indexer.worker_pool import WorkerPool, completed
from montage.config import Settings
from montage.db.database import Database
from montage.db.models import Source
from montage.db.repositories.library_state import bump_revision
from montage.db.repositories.shots import (
    all_shot_ids,
    put_embeddings,
    release_duplicate_groups,
    set_duplicate_groups,
    shot_hashes,
)
from montage.db.repositories.sources import source_places, sources_by_ids, sources_by_paths
from montage.db.session import transaction
from montage.errors import InputError
from montage.search.channels import TEXT, Channels
from montage.text.cues import Cue

log = logging.getLogger(__name__)

ANALYZER_CODE_VERSION = "2"
"""Bumped when the analysis gives different shots or keyframes (2: keyframe candidates on the absolute
clock, so a file's time ranges can be analysed at once); a new value re-analyses every file."""


@dataclass(frozen=True)
class IndexRequest:
    """What to index: files or folders, optional manifests, and whether to redo unchanged files."""

    paths: list[Path]
    manifests: list[Path] = field(default_factory=list)
    full: bool = False


@dataclass
class IndexReport:
    """What an index run did, for the CLI, the job record and logs."""

    discovered: int = 0
    indexed: int = 0
    unchanged: int = 0
    text_refreshed: int = 0
    deleted: int = 0
    shots_written: int = 0
    media_seconds: float = 0.0
    seconds: float = 0.0
    failed: list[dict[str, str]] = field(default_factory=list)
    refused: list[dict[str, str]] = field(default_factory=list)
    """Paths under the roots that were not indexed nor opened (symlinks leading out of the library)."""
    manifest_problems: list[str] = field(default_factory=list)
    channels: list[ChannelSync] = field(default_factory=list)
    visual_channel: str = "available"
    keyframes_embedded_early: int = 0
    """Keyframes of long files embedded while their file was still decoding (``indexer.early_keyframes``)."""

    @property
    def realtime_factor(self) -> float:
        """Seconds of footage indexed per second of wall time."""
        return self.media_seconds / self.seconds if self.seconds > 0 else 0.0

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        data = asdict(self)
        data["realtime_factor"] = round(self.realtime_factor, 2)
        return data


def analysis_options(settings: Settings) -> AnalysisOptions:
    """The analysis options derived from ``settings.index``."""
    index = settings.index
    return AnalysisOptions(
        threshold=index.detector_threshold,
        min_shot_s=index.min_shot_s,
        max_shot_s=index.max_shot_s,
        analysis_width=index.analysis_width,
        keyframe_candidates_per_second=index.keyframe_candidates_per_second,
        keyframe_width=index.keyframe_width,
        parts=index.file_parts,
    )


def analyzer_version(settings: Settings) -> str:
    """A short hash of everything that changes analysis results: code version and analysis options."""
    payload = json.dumps(
        {
            "code": ANALYZER_CODE_VERSION,
            "options": settings.index.model_dump(exclude={"workers", "file_parts"}),
        }
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _library_manifests(
    settings: Settings, db: Database, request: IndexRequest, roots: list[Path], problems: list[str]
) -> LibraryManifests:
    """The given manifests, those the library holds (found by name), and what earlier manifests said."""
    explicit, found = manifest_files(request.manifests, roots, settings.library_roots)
    current = load_manifests(explicit, found, problems)
    with db.sessions() as session:
        remembered = remembered_fields(session, roots)
    return LibraryManifests(current, remembered)


def request_roots(request: IndexRequest) -> list[Path]:
    """The request's paths, resolved; raises ``InputError`` (``path_not_found``) for a missing one."""
    roots = [path.expanduser().resolve() for path in request.paths]
    for root in roots:
        if not root.exists():
            raise InputError(f"no such file or folder: {root}", code="path_not_found")
    return roots


def store_context(
    settings: Settings,
    db: Database,
    channels: Channels,
    request: IndexRequest,
    *,
    problems: list[str] | None = None,
    keyframes: KeyframeStore | None = None,
) -> StoreContext:
    """Everything :func:`indexer.file_store.store_outcome` needs for the files of ``request``.

    Manifest problems found on the way are appended to ``problems``.
    """
    return StoreContext(
        channels=channels,
        keyframes=keyframes or KeyframeStore(settings.keyframe_dir),
        version=analyzer_version(settings),
        manifest=_library_manifests(settings, db, request, request_roots(request), problems or []),
    )


@dataclass
class IndexPlan:
    """What an index run must analyse, and what its planning found (in ``report``)."""

    roots: list[Path]
    todo: list[DiscoveredFile]
    report: IndexReport
    context: StoreContext


_CLASSIFY_CHUNK = 500
"""Discovered files compared with their stored rows at once (the library is never loaded whole)."""


def _classify(
    db: Database, version: str, found: list[DiscoveredFile], full: bool
) -> tuple[list[DiscoveredFile], list[DiscoveredFile]]:
    """Split discovered files into (to analyse, unchanged)."""
    todo: list[DiscoveredFile] = []
    unchanged: list[DiscoveredFile] = []
    with transaction(db.sessions) as session:
        for start in range(0, len(found), _CLASSIFY_CHUNK):
            chunk = found[start : start + _CLASSIFY_CHUNK]
            stored = sources_by_paths(session, [str(item.path) for item in chunk])
            for item in chunk:
                analyse = full or _needs_analysis(stored.get(str(item.path)), item, version)
                (todo if analyse else unchanged).append(item)
    return todo, unchanged


def _needs_analysis(source: Source | None, item: DiscoveredFile, version: str) -> bool:
    """Whether a file must be analysed: new, analysed by another analyser version, or its content changed.
    A file only touched (same content, new mtime) gets its stored size and mtime updated."""
    if source is None or source.analyzer_version != version:
        return True
    stat = item.path.stat()
    if (stat.st_size, stat.st_mtime_ns) == (source.size_bytes, source.mtime_ns):
        return False
    if stat.st_size > 0 and content_fingerprint(item.path) == source.content_hash:
        source.size_bytes, source.mtime_ns = stat.st_size, stat.st_mtime_ns
        return False
    return True


def _refresh_unchanged_text(db: Database, context: StoreContext, unchanged: list[DiscoveredFile]) -> int:
    """Re-embed the text of unchanged files whose manifest, sidecar or names changed; returns how many."""
    refreshed = 0
    for item in unchanged:
        with transaction(db.sessions) as session:
            source = session.scalars(select(Source).where(Source.path == str(item.path))).one()
            if source.status != "indexed":
                continue
            cues = [Cue(float(c[0]), float(c[1]), str(c[2])) for c in source.embedded_subtitles]  # type: ignore[arg-type]
            text = source_text(item, context.manifest, dict(source.container_tags), cues)
            if text.digest() == source.text_digest:
                update_credits(source, text)  # a licence or attribution may have changed
                continue
            refresh_text(session, source, text)
            encoder = context.channels.text
            vectors = text_vectors(encoder, {shot.id: shot.text for shot in source.shots})
            put_embeddings(session, channel=TEXT, model_id=encoder.model_id, vectors=vectors)
            refreshed += 1
    return refreshed


def plan_index(
    settings: Settings,
    db: Database,
    channels: Channels,
    request: IndexRequest,
    *,
    keyframes: KeyframeStore | None = None,
) -> IndexPlan:
    """Discover the requested files, skip unchanged ones (refreshing their text) and list the rest."""
    roots = request_roots(request)
    report = IndexReport(
        visual_channel="available" if channels.visual else f"unavailable: {channels.visual_reason}"
    )
    context = store_context(
        settings, db, channels, request, problems=report.manifest_problems, keyframes=keyframes
    )
    scan = scan_library(roots, allowed_roots=settings.library_roots)
    report.refused = report_refused(scan.refused)
    report.discovered = len(scan.files)
    todo, unchanged = _classify(db, context.version, scan.files, request.full)
    report.unchanged = len(unchanged)
    report.text_refreshed = _refresh_unchanged_text(db, context, unchanged)
    return IndexPlan(roots=roots, todo=todo, report=report, context=context)


def _record(report: IndexReport, item: DiscoveredFile, stored: StoredFile) -> None:
    if stored.error_code is not None:
        report.failed.append(
            {"path": str(item.path), "code": stored.error_code, "message": stored.error_message or ""}
        )
        log.warning("failed to index %s: %s", item.path, stored.error_message)
        return
    report.indexed += 1
    report.shots_written += stored.shots
    report.media_seconds += stored.media_seconds


def _analyse(
    settings: Settings,
    db: Database,
    plan: IndexPlan,
    progress: ProgressSink,
    should_stop: Callable[[], bool] | None = None,
) -> None:
    """Analyse files in worker processes and store each result as it arrives.

    Raises :class:`IndexStopped` soon after ``should_stop()`` turns true; any exception (SIGTERM made
    one by the CLI, a cancelled job) terminates the workers at once. Files stored so far stay stored.
    """
    options = analysis_options(settings)
    pending = list(plan.todo)
    progress.start(len(plan.todo), "indexing")
    visual = plan.context.channels.visual
    while pending:
        with (
            closing(EarlyKeyframes(visual)) if visual is not None else nullcontext(None) as early,
            WorkerPool(
                settings.index.workers,
                setup=None if early is None else offer_keyframes_to,
                setup_args=() if early is None else (early.queue,),
            ) as pool,
        ):
            futures: dict[Future[FileOutcome], DiscoveredFile] = {
                pool.submit(process_file, FileJob(item.path, options, settings.index.probe_timeout_s)): item
                for item in pending
            }
            pending = []
            for future in completed(futures, should_stop):
                item = futures[future]
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    pending.append(item)  # the pool died (a decoder crashed); retry the rest in a new pool
                    continue
                stored = store_outcome(db.sessions, plan.context, item, outcome, early=early)
                _record(plan.report, item, stored)
                progress.advance(1, item.rel_path)
        if early is not None:
            plan.report.keyframes_embedded_early += early.reused
        if pending:
            crashed = pending.pop(0)
            outcome = crashed_outcome(crashed, "the analysis process crashed on this file")
            _record(plan.report, crashed, store_outcome(db.sessions, plan.context, crashed, outcome))
            progress.advance(1, crashed.rel_path)
    progress.finish()


def crashed_outcome(item: DiscoveredFile, message: str, code: str = "worker_crashed") -> FileOutcome:
    """The outcome recorded for a file whose analysis never came back (its process died)."""
    size = item.path.stat().st_size if item.path.exists() else 0
    return FileOutcome(
        path=item.path, fingerprint="", size_bytes=size, mtime_ns=0, error_code=code, error_message=message
    )


def _delete_missing(settings: Settings, db: Database, roots: list[Path]) -> int:
    """Remove sources under the requested paths whose files are gone or lie outside the library."""
    library = library_folders(roots, settings.library_roots)
    with transaction(db.sessions) as session:
        missing = [
            i for i, path, _root in source_places(session, [str(r) for r in roots]) if not Path(path).exists()
        ]
        gone = sorted(set(missing) | set(sources_outside(session, roots, library)))
        release_duplicate_groups(session, gone)
        for source in sources_by_ids(session, gone):
            session.delete(source)
        if gone:
            session.flush()
            bump_revision(session)
    return len(gone)


def _regroup_duplicates(db: Database, *, from_scratch: bool = False) -> int:
    """Group the shots stored without a near-duplicate group (new ones, and the rest of groups that lost a
    shot) with what they link to, or every shot ``from_scratch``; returns how many shots changed group."""
    with transaction(db.sessions) as session:
        stored = shot_hashes(session)
        grouped = stored.grouped & (not from_scratch)
        changes = regroup_near_duplicates(stored.ids, stored.hashes, stored.groups, grouped)
        if changes:
            set_duplicate_groups(session, changes)
            bump_revision(session)
    return len(changes)


def _prune_keyframes(db: Database, keyframes: KeyframeStore) -> None:
    """Delete keyframe files of shots no longer in the library."""
    with db.sessions() as session:
        keep = all_shot_ids(session)
    keyframes.prune(keep)


def finish_index(
    settings: Settings,
    db: Database,
    channels: Channels,
    *,
    roots: list[Path],
    report: IndexReport,
    keyframes: KeyframeStore,
    retrain: bool = False,
) -> None:
    """After every file is stored: remove deleted files, regroup near-duplicates, prune keyframes and
    bring each channel's FAISS index up to date once (published atomically). ``retrain`` recomputes the
    derived data from scratch: every near-duplicate group and each index built anew. Idempotent: safe to
    run again."""
    report.deleted = _delete_missing(settings, db, roots)
    _regroup_duplicates(db, from_scratch=retrain)
    _prune_keyframes(db, keyframes)
    report.channels = sync_vector_indexes(
        db.sessions,
        channels,
        index_dir=settings.index_dir,
        keyframes=keyframes,
        exact_max_vectors=settings.search.exact_search_max_vectors,
        retrain=retrain,
    )


def run_index(
    settings: Settings,
    db: Database,
    channels: Channels,
    request: IndexRequest,
    progress: ProgressSink | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> IndexReport:
    """Index the requested paths incrementally and bring the FAISS indexes up to date.

    ``should_stop`` is asked while files are analysed; once it answers true the workers are terminated
    and :class:`IndexStopped` is raised. Files stored so far stay, so the next run resumes.
    """
    started = time.perf_counter()
    plan = plan_index(settings, db, channels, request)
    _analyse(settings, db, plan, progress or SilentProgress(), should_stop)
    finish_index(
        settings,
        db,
        channels,
        roots=plan.roots,
        report=plan.report,
        keyframes=plan.context.keyframes,
        retrain=request.full,
    )
    plan.report.seconds = time.perf_counter() - started
    return plan.report
