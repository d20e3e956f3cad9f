"""Decode a video once with PyAV and hand out small analysis frames in presentation order.

Each decoded frame is scaled (by libswscale, outside the GIL) to the analysis size in BGR, which is what
PySceneDetect's detectors expect. The full-size decoded frame is kept on the ``DecodedFrame`` so a caller
can render a keyframe from it without decoding again; only the few sampled frames are ever scaled to
keyframe size.

Decoding and scaling run ahead of the analysis in two background threads (``prefetch``), one after the
other: one thread feeds the decoder (whose own threads decode), one scales. FFmpeg and libswscale release
the GIL while they work, so the three stages overlap: on 2 cores a 720p file keeps both cores busy, where
decoding and scaling in one thread left one idle a third of the time (docs/benchmarks.md).

A reader can also start at a point of the file (``seek_s``: it seeks to the key frame before it and
yields every frame from there) and stop before the first frame for which ``stop_at`` is true; the time
ranges of a long file are analysed that way at once (:mod:`indexer.analyze`). Such a reader notes when
timestamps were missing or went backwards (``irregular_timestamps``): times then depend on the frames
before, and only a pass from the start gives them.

Damaged data does not stop the pass: a packet the decoder rejects and a frame the decoder flags as
corrupt each count as one decode error, and decoding goes on with the next packet. A container read
error ends the pass early (``stopped_early`` is set); what was decoded until then is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction

import av
import av.container
import av.stream
import av.video
import cv2
import numpy as np
from av.video.reformatter import VideoReformatter
from numpy.typing import NDArray

from indexer.analysis.frame_geometry import FrameGeometry, upright
from indexer.analysis.prefetch import prefetch
from montage.errors import MediaError
from montage.media.info import MediaInfo

logger = logging.getLogger(__name__)

ANALYSIS_INTERPOLATION = "AREA"
"""libswscale filter for the analysis frames: area averaging, so fine detail does not alias into noise."""
KEYFRAME_INTERPOLATION = "AREA"
PREFETCH_FRAMES = 8
"""Frames decoded ahead of the scaling, and scaled ahead of the analysis, each in a background thread."""
SCALER_THREADS = 1
"""libswscale slice threads per scaling call: the frames are small, and the other core is decoding (its
default, one per CPU, spent ~30 % more CPU on keyframes for no gain in wall time)."""


@dataclass(frozen=True)
class DecodedFrame:
    """One decoded frame: ``time_s`` from the container start; ``frame_number`` is its timestamp at the
    nominal rate, rounded (frames whose timestamps round alike share it: see :func:`distinct_numbers`)."""

    index: int
    frame_number: int
    time_s: float
    pixels: NDArray[np.uint8]
    source: av.VideoFrame


class FrameReader:
    """Iterate over the frames of ``info.path`` once; counts decode errors as it goes."""

    def __init__(
        self,
        info: MediaInfo,
        geometry: FrameGeometry,
        *,
        threads: int = 2,
        seek_s: float | None = None,
        stop_at: Callable[[float], bool] | None = None,
    ) -> None:
        self.info = info
        self.geometry = geometry
        self.threads = threads
        self.seek_s = seek_s
        self.stop_at = stop_at
        self.decode_errors = 0
        self.stopped_early: str | None = None
        self.irregular_timestamps = False
        self._fps = Fraction(*info.fps) if info.fps is not None else None
        # One reformatter per target keeps libswscale's context (filter tables) across frames; building
        # it for every frame would cost more than the scaling itself.
        self._analysis_scaler = VideoReformatter()
        self._keyframe_scaler = VideoReformatter()

    def __iter__(self) -> Generator[DecodedFrame, None, None]:
        """Yield every decodable frame in presentation order."""
        try:
            container = av.open(str(self.info.path), mode="r")
        except (av.FFmpegError, OSError) as exc:
            raise MediaError(
                f"{self.info.path}: cannot open for decoding ({exc})", code="corrupt_media"
            ) from exc
        with container:
            stream = _video_stream(container)
            if stream is None:
                raise MediaError(f"{self.info.path}: no video stream to decode", code="no_video_stream")
            stream.thread_type = "AUTO"
            stream.codec_context.thread_count = self.threads
            if self.seek_s is not None and self.seek_s > 0 and stream.time_base is not None:
                target = (self.seek_s + self.info.start_time_s) / float(stream.time_base)
                container.seek(int(target), stream=stream, backward=True, any_frame=False)
            decoded = prefetch(self._decoded(container, stream), depth=PREFETCH_FRAMES)
            try:
                yield from prefetch(self._scaled(decoded), depth=PREFETCH_FRAMES)
            finally:
                decoded.close()  # its thread ends before the container closes, also when stopped early

    def render_keyframe(self, frame: DecodedFrame) -> NDArray[np.uint8]:
        """Return ``frame`` as an upright RGB array at keyframe size and display aspect."""
        width, height = self.geometry.keyframe_decode_size
        rgb = self._keyframe_scaler.reformat(
            frame.source,
            width=width,
            height=height,
            format="rgb24",
            interpolation=KEYFRAME_INTERPOLATION,
            threads=SCALER_THREADS,
        ).to_ndarray()
        return upright(np.asarray(rgb, dtype=np.uint8), self.geometry.rotation)

    def _decoded(
        self, container: av.container.InputContainer, stream: av.video.VideoStream
    ) -> Generator[tuple[int, int, float, av.VideoFrame], None, None]:
        """Decode every frame: ``(index, frame number, time from the container start, frame)``.

        After a seek, frames (and errors) before the first key frame are dropped: an open GOP's leading
        frames cannot be decoded there, though a pass from the start decodes them.
        """
        time_base = float(stream.time_base) if stream.time_base is not None else 0.0
        container_start = self.info.start_time_s
        origin = self.info.video_start_time_s
        step = 1.0 / float(self._fps) if self._fps else 0.04
        index = 0
        last_time: float | None = None
        waiting_for_key = self.seek_s is not None and self.seek_s > 0
        for packet in self._packets(container, stream):
            try:
                frames = stream.decode(packet)
            except av.FFmpegError as exc:
                self.decode_errors += 0 if waiting_for_key else 1
                logger.debug("%s: decode error %s", self.info.path, exc)
                continue
            for frame in frames:
                if waiting_for_key:
                    if not frame.key_frame:
                        continue
                    waiting_for_key = False
                if frame.is_corrupt:
                    self.decode_errors += 1
                stamp = frame.time if frame.pts is not None and time_base else None
                if stamp is None or (last_time is not None and stamp - container_start <= last_time):
                    self.irregular_timestamps = True
                    time_s = 0.0 if last_time is None else last_time + step
                    absolute = time_s + container_start
                else:
                    absolute = stamp
                    time_s = stamp - container_start
                if self.stop_at is not None and self.stop_at(time_s):
                    return
                number = round((absolute - origin) * float(self._fps)) if self._fps else index
                yield index, number, time_s, frame
                index += 1
                last_time = time_s

    def _scaled(
        self, decoded: Iterator[tuple[int, int, float, av.VideoFrame]]
    ) -> Generator[DecodedFrame, None, None]:
        """Add the small analysis picture to each decoded frame."""
        width, height = self.geometry.analysis_size
        for index, number, time_s, frame in decoded:
            yield DecodedFrame(index, number, time_s, self._analysis_pixels(frame, width, height), frame)

    def _analysis_pixels(self, frame: av.VideoFrame, width: int, height: int) -> NDArray[np.uint8]:
        """Scale to the analysis size in YUV 4:2:0 with area averaging, then convert the small frame to BGR.

        Converting after scaling keeps near-black colours stable: libswscale's direct scale-and-convert to
        BGR with an area filter gives noisy hue on dark frames, which PySceneDetect's HSV score turns into
        false cuts on fades.
        """
        yuv = self._analysis_scaler.reformat(
            frame,
            width=width,
            height=height,
            format="yuv420p",
            interpolation=ANALYSIS_INTERPOLATION,
            threads=SCALER_THREADS,
        )
        return np.asarray(cv2.cvtColor(yuv.to_ndarray(), cv2.COLOR_YUV2BGR_I420), dtype=np.uint8)

    def _packets(
        self, container: av.container.InputContainer, stream: av.video.VideoStream
    ) -> Iterator[av.Packet[av.video.VideoStream] | None]:
        """Yield the stream's packets; ``None`` (flush the decoder) after a container read error."""
        packets = container.demux(stream)
        while True:
            try:
                packet = next(packets)
            except StopIteration:
                return
            except av.FFmpegError as exc:
                self.decode_errors += 1
                self.stopped_early = f"the container could not be read past this point ({exc})"
                yield None  # flush the decoder so the frames it still holds are not lost
                return
            yield packet


def distinct_numbers(nominal: Iterable[int]) -> list[int]:
    """Frame numbers of consecutive frames made strictly increasing: a number that does not exceed the
    one before becomes that one plus one (timestamps half a frame off round onto their neighbours)."""
    numbers: list[int] = []
    last = -1
    for number in nominal:
        last = max(number, last + 1)
        numbers.append(last)
    return numbers


def _video_stream(container: av.container.InputContainer) -> av.video.VideoStream | None:
    for stream in container.streams.video:
        if not stream.disposition & av.stream.Disposition.attached_pic:
            return stream
    return None
