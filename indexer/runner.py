"""The index run: discover files, skip unchanged ones, analyse the rest in parallel, store, sync FAISS.

Safe to interrupt at any moment (even SIGKILL): each file's source, shots and vectors are written in one
transaction, keyframe files are written atomically before it, and the FAISS indexes are rebuilt from the
database whenever their library revision is behind — so a second run finishes the job with no duplicate or
lost shots.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path

from PIL import Image
from sqlalchemy import select, update

from indexer.analysis_types import AnalysisOptions
from indexer.discover import DiscoveredFile, content_fingerprint, scan_library
from indexer.file_worker import FileJob, FileOutcome, process_file
from indexer.keyframe_store import KeyframeStore
from indexer.library_manifests import LibraryManifests, load_manifests, manifest_files, remembered_fields
from indexer.library_scope import library_folders, report_refused, sources_outside
from indexer.library_text import SourceText, build_source_text
from indexer.library_writer import (
    refresh_text,
    shot_ids_for,
    unsigned64,
    update_credits,
    write_failed,
    write_indexed,
)
from indexer.near_duplicates import group_near_duplicates
from indexer.progress import ProgressSink, SilentProgress
from indexer.shot_vectors import text_vectors, visual_vectors
from indexer.vector_sync import ChannelSync, sync_vector_indexes
from indexer.worker_pool import WorkerPool, completed
from montage.config import Settings
from montage.db.database import Database
from montage.db.models import Shot, Source
from montage.db.repositories.library_state import bump_revision
from montage.db.repositories.shots import put_embeddings
from montage.db.repositories.sources import sources_by_path, sources_under
from montage.db.session import transaction
from montage.errors import InputError
from montage.search.channels import TEXT, VISUAL, Channels
from montage.text.cues import Cue

log = logging.getLogger(__name__)

ANALYZER_CODE_VERSION = "1"


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
    )


def analyzer_version(settings: Settings) -> str:
    """A short hash of everything that changes analysis results: code version and analysis options."""
    payload = json.dumps(
        {"code": ANALYZER_CODE_VERSION, "options": settings.index.model_dump(exclude={"workers"})}
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _library_manifests(
    settings: Settings, db: Database, request: IndexRequest, roots: list[Path], report: IndexReport
) -> LibraryManifests:
    """The given manifests, those the library holds (found by name), and what earlier manifests said."""
    explicit, found = manifest_files(request.manifests, roots, settings.library_roots)
    current = load_manifests(explicit, found, report.manifest_problems)
    with db.sessions() as session:
        remembered = remembered_fields(session, roots)
    return LibraryManifests(current, remembered)


def _source_text(
    found: DiscoveredFile, manifest: LibraryManifests, tags: dict[str, str], cues: list[Cue]
) -> SourceText:
    return build_source_text(
        found.path, root=found.root, manifest=manifest, container_tags=tags, embedded_subtitles=cues
    )


@dataclass
class _Run:
    settings: Settings
    db: Database
    channels: Channels
    progress: ProgressSink
    report: IndexReport
    keyframes: KeyframeStore
    version: str
    manifest: LibraryManifests

    def classify(
        self, found: list[DiscoveredFile], full: bool
    ) -> tuple[list[DiscoveredFile], list[DiscoveredFile]]:
        """Split discovered files into (to analyse, unchanged)."""
        todo: list[DiscoveredFile] = []
        unchanged: list[DiscoveredFile] = []
        with transaction(self.db.sessions) as session:
            stored = sources_by_path(session)
            for item in found:
                source = stored.get(str(item.path))
                if full or source is None or source.analyzer_version != self.version:
                    todo.append(item)
                    continue
                stat = item.path.stat()
                if (stat.st_size, stat.st_mtime_ns) == (source.size_bytes, source.mtime_ns):
                    unchanged.append(item)
                elif stat.st_size > 0 and content_fingerprint(item.path) == source.content_hash:
                    source.size_bytes, source.mtime_ns = stat.st_size, stat.st_mtime_ns  # touched only
                    unchanged.append(item)
                else:
                    todo.append(item)
        return todo, unchanged

    def refresh_unchanged_text(self, unchanged: list[DiscoveredFile]) -> None:
        """Re-embed the text of unchanged files whose manifest, sidecar or names changed."""
        for item in unchanged:
            with transaction(self.db.sessions) as session:
                source = session.scalars(select(Source).where(Source.path == str(item.path))).one()
                if source.status != "indexed":
                    continue
                cues = [Cue(float(c[0]), float(c[1]), str(c[2])) for c in source.embedded_subtitles]  # type: ignore[arg-type]
                text = _source_text(item, self.manifest, dict(source.container_tags), cues)
                if text.digest() == source.text_digest:
                    update_credits(source, text)  # a licence or attribution may have changed
                    continue
                refresh_text(session, source, text)
                vectors = text_vectors(self.channels.text, {shot.id: shot.text for shot in source.shots})
                put_embeddings(session, channel=TEXT, model_id=self.channels.text.model_id, vectors=vectors)
                self.report.text_refreshed += 1

    def store(self, item: DiscoveredFile, outcome: FileOutcome) -> None:
        """Write one file's outcome (success or failure) in one transaction."""
        if outcome.error_code is not None:
            with transaction(self.db.sessions) as session:
                write_failed(session, discovered=item, outcome=outcome, analyzer_version=self.version)
            self.report.failed.append(
                {"path": str(item.path), "code": outcome.error_code, "message": outcome.error_message or ""}
            )
            log.warning("failed to index %s: %s", item.path, outcome.error_message)
            return
        assert outcome.info is not None
        text = _source_text(item, self.manifest, dict(outcome.info.tags), outcome.subtitles)
        ids = shot_ids_for(outcome)
        keyframe_paths: dict[int, str] = {}
        images: dict[int, Image.Image] = {}
        for shot_id, shot in zip(ids, outcome.shots, strict=True):
            if shot.keyframe_jpeg is not None:
                keyframe_paths[shot_id] = str(self.keyframes.save_bytes(shot_id, shot.keyframe_jpeg))
                if self.channels.visual is not None:
                    images[shot_id] = self.keyframes.load(shot_id)
        texts = {
            shot_id: text.shot_text(shot.start_s, shot.end_s)
            for shot_id, shot in zip(ids, outcome.shots, strict=True)
        }
        vectors = {(TEXT, self.channels.text.model_id): text_vectors(self.channels.text, texts)}
        if self.channels.visual is not None:
            vectors[(VISUAL, self.channels.visual.model_id)] = visual_vectors(self.channels.visual, images)
        with transaction(self.db.sessions) as session:
            write_indexed(
                session,
                discovered=item,
                outcome=outcome,
                text=text,
                analyzer_version=self.version,
                keyframe_paths=keyframe_paths,
                vectors=vectors,
            )
        self.report.indexed += 1
        self.report.shots_written += len(ids)
        self.report.media_seconds += outcome.info.duration_s or 0.0

    def analyse(self, todo: list[DiscoveredFile], should_stop: Callable[[], bool] | None = None) -> None:
        """Analyse files in worker processes and store each result as it arrives.

        Raises :class:`IndexStopped` soon after ``should_stop()`` turns true; any exception (SIGTERM made
        one by the CLI, a cancelled job) terminates the workers at once. Files stored so far stay stored.
        """
        options = analysis_options(self.settings)
        pending = list(todo)
        self.progress.start(len(todo), "indexing")
        while pending:
            with WorkerPool(self.settings.index.workers) as pool:
                futures: dict[Future[FileOutcome], DiscoveredFile] = {
                    pool.submit(
                        process_file, FileJob(item.path, options, self.settings.index.probe_timeout_s)
                    ): item
                    for item in pending
                }
                pending = []
                for future in completed(futures, should_stop):
                    item = futures[future]
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        pending.append(
                            item
                        )  # the pool died (a decoder crashed); retry the rest in a new pool
                        continue
                    self.store(item, outcome)
                    self.progress.advance(1, item.rel_path)
            if pending:
                crashed = pending.pop(0)
                outcome = FileOutcome(
                    path=crashed.path,
                    fingerprint="",
                    size_bytes=crashed.path.stat().st_size,
                    mtime_ns=0,
                    error_code="worker_crashed",
                    error_message="the analysis process crashed on this file",
                )
                self.store(crashed, outcome)
                self.progress.advance(1, crashed.rel_path)
        self.progress.finish()

    def delete_missing(self, roots: list[Path]) -> None:
        """Remove sources under the requested paths whose files are gone or lie outside the library."""
        library = library_folders(roots, self.settings.library_roots)
        with transaction(self.db.sessions) as session:
            gone = [s for s in sources_under(session, [str(r) for r in roots]) if not Path(s.path).exists()]
            gone += [s for s in sources_outside(session, roots, library) if s not in gone]
            for source in gone:
                session.delete(source)
            if gone:
                session.flush()
                bump_revision(session)
        self.report.deleted = len(gone)

    def regroup_duplicates(self) -> None:
        """Recompute near-duplicate groups over the whole library from the keyframe hashes."""
        with transaction(self.db.sessions) as session:
            rows = session.execute(select(Shot.id, Shot.phash, Shot.duplicate_group)).all()
            hashes = {int(r[0]): unsigned64(int(r[1])) for r in rows if r[1] is not None}
            groups = group_near_duplicates(hashes)
            changed = 0
            for shot_id, _phash, current in rows:
                group = groups.get(int(shot_id))
                if group != current:
                    session.execute(update(Shot).where(Shot.id == shot_id).values(duplicate_group=group))
                    changed += 1
            if changed:
                bump_revision(session)

    def prune_keyframes(self) -> None:
        """Delete keyframe files of shots no longer in the library."""
        with self.db.sessions() as session:
            keep = set(session.scalars(select(Shot.id)))
        self.keyframes.prune(keep)


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
    roots = [path.expanduser().resolve() for path in request.paths]
    for root in roots:
        if not root.exists():
            raise InputError(f"no such file or folder: {root}", code="path_not_found")
    report = IndexReport(
        visual_channel="available" if channels.visual else f"unavailable: {channels.visual_reason}"
    )
    run = _Run(
        settings=settings,
        db=db,
        channels=channels,
        progress=progress or SilentProgress(),
        report=report,
        keyframes=KeyframeStore(settings.keyframe_dir),
        version=analyzer_version(settings),
        manifest=_library_manifests(settings, db, request, roots, report),
    )
    scan = scan_library(roots, allowed_roots=settings.library_roots)
    found = scan.files
    report.refused = report_refused(scan.refused)
    report.discovered = len(found)
    todo, unchanged = run.classify(found, request.full)
    report.unchanged = len(unchanged)
    run.refresh_unchanged_text(unchanged)
    run.analyse(todo, should_stop)
    run.delete_missing(roots)
    run.regroup_duplicates()
    run.prune_keyframes()
    report.channels = sync_vector_indexes(
        db.sessions,
        channels,
        index_dir=settings.index_dir,
        keyframes=run.keyframes,
        exact_max_vectors=settings.search.exact_search_max_vectors,
    )
    report.seconds = time.perf_counter() - started
    return report


def sync_only(settings: Settings, db: Database, channels: Channels) -> list[ChannelSync]:
    """Bring the FAISS indexes in line with the database without scanning files."""
    return sync_vector_indexes(
        db.sessions,
        channels,
        index_dir=settings.index_dir,
        keyframes=KeyframeStore(settings.keyframe_dir),
        exact_max_vectors=settings.search.exact_search_max_vectors,
    )
