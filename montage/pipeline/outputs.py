"""Where a run's files go, and how they appear there all at once (or not at all)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from montage.options.render import RenderOptions
from montage.pipeline.types import CancelledError, MakeOutputs, ShouldCancel, StageProgress
from montage.render.render_timeline import render_timeline
from montage.timeline.json_io import write_timeline_json
from montage.timeline.model import Timeline
from montage.timeline.otio_export import export_otio
from montage.timeline.subtitles import write_srt, write_vtt


def output_paths(folder: Path, name: str, *, with_video: bool) -> MakeOutputs:
    """The files of one run named ``name`` inside ``folder``."""
    return MakeOutputs(
        video=folder / f"{name}.mp4" if with_video else None,
        srt=folder / f"{name}.srt",
        vtt=folder / f"{name}.vtt",
        timeline=folder / f"{name}.timeline.json",
        otio=folder / f"{name}.otio",
        poster=folder / f"{name}.jpg" if with_video else None,
    )


@contextmanager
def staging_dir(final_dir: Path) -> Iterator[Path]:
    """A hidden work folder beside the final outputs, removed afterwards whatever happens."""
    final_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".montage-", dir=final_dir))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def publish(staged: MakeOutputs, final: MakeOutputs) -> None:
    """Move staged files into place (same filesystem renames); the video goes last."""
    pairs = [
        (staged.srt, final.srt),
        (staged.vtt, final.vtt),
        (staged.otio, final.otio),
        (staged.timeline, final.timeline),
    ]
    if staged.poster is not None and final.poster is not None and staged.poster.exists():
        pairs.append((staged.poster, final.poster))
    if staged.video is not None and final.video is not None:
        pairs.append((staged.video, final.video))
    for source, target in pairs:
        source.replace(target)


def write_poster(video: Path, poster: Path, at_s: float) -> Path | None:
    """A JPEG still of the video at ``at_s`` seconds; None when ffmpeg cannot make one."""
    result = subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-ss",
            f"{at_s:.3f}",
            "-i",
            str(video),
            "-frames:v",
            "1",
            "-q:v",
            "3",
            str(poster),
        ],
        capture_output=True,
        timeout=60,
        check=False,
    )
    return poster if result.returncode == 0 and poster.exists() else None


def write_side_files(timeline: Timeline, staged: MakeOutputs) -> None:
    """The timeline JSON, the SRT and VTT subtitles and the OTIO export of ``timeline``."""
    write_timeline_json(timeline, staged.timeline)
    write_srt(timeline, staged.srt)
    write_vtt(timeline, staged.vtt)
    export_otio(timeline, staged.otio)


def write_outputs(
    timeline: Timeline,
    *,
    out_dir: Path,
    name: str,
    render_options: RenderOptions | None,
    progress: StageProgress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> MakeOutputs:
    """Write timeline JSON, SRT, VTT, OTIO and (unless ``render_options`` is None) the MP4 and poster.

    Everything is made in a hidden staging folder and moved into ``out_dir`` only when all of it succeeded
    and the run was not cancelled, so a failure never leaves partial outputs.
    """
    with_video = render_options is not None
    final = output_paths(out_dir, name, with_video=with_video)
    with staging_dir(out_dir) as work, ThreadPoolExecutor(1, thread_name_prefix="outputs") as pool:
        staged = output_paths(work, name, with_video=with_video)
        # the side files are written while ffmpeg renders (the OTIO export probes each source's rate)
        side_files = pool.submit(write_side_files, timeline, staged)
        if render_options is not None:
            assert staged.video is not None and staged.poster is not None
            render_timeline(
                timeline,
                staged.video,
                render_options,
                progress=(lambda fraction: progress("render", fraction)) if progress else None,
            )
            write_poster(staged.video, staged.poster, at_s=min(1.0, timeline.duration_s / 2))
        side_files.result()
        if should_cancel is not None and should_cancel():
            raise CancelledError("the job was cancelled")
        publish(staged, final)
    return final
