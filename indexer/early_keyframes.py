"""Embed keyframes with CLIP while their file is still being decoded.

A worker analysing a long file offers the keyframe of each shot as soon as the shot is settled
(:mod:`indexer.analysis.settled_shots`, :func:`indexer.file_worker.offer_keyframes_to`); a thread of the
index process embeds them as they come, so when the file's outcome arrives most of its keyframes already
have vectors and the CLIP work no longer waits for the whole file to decode (for a single 10-minute
file it was 3.6 s after a 33 s analysis). Only a keyframe whose JPEG bytes are exactly those of the
offered picture reuses its vector; the others are embedded when the file is stored, as before. The
runtime's vector of an image does not depend on what it is batched with (the int8 ONNX tower runs one
image a call; the float towers may differ in the last bits), so the stored vectors are those a run
without early embedding stores.

Embedding calls are serialised by one lock (the early thread and the storing thread share the encoder
and the machine's cores).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import multiprocessing
import queue
import threading
import time
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from indexer.shot_vectors import visual_vectors
from montage.embedding.protocol import ImageTextEmbedder

log = logging.getLogger(__name__)

BATCH = 8
"""Offered keyframes embedded together at most (all that are waiting, up to this)."""
SETTLE_S = 1.0
"""How long storing a file waits for offered keyframes still in the queue before embedding them itself."""


def _digest(jpeg: bytes) -> bytes:
    return hashlib.blake2b(jpeg, digest_size=16).digest()


def _image(jpeg: bytes) -> Image.Image:
    """The picture as the keyframe store loads it (:meth:`indexer.keyframe_store.KeyframeStore.load`)."""
    with Image.open(io.BytesIO(jpeg)) as image:
        image.load()
        copied: Image.Image = image.copy()
    return copied


class EarlyKeyframes:
    """The queue workers offer keyframes on, the thread embedding them, and the vectors found.

    The queue crosses processes (analysis worker processes put on it), or with ``in_process`` is a plain
    thread queue (a ``montage worker`` analyses files in its own threads). :meth:`close` stops the thread
    (what is still queued is dropped).
    """

    def __init__(self, encoder: ImageTextEmbedder, *, in_process: bool = False) -> None:
        self._encoder = encoder
        self.queue: (
            multiprocessing.Queue[tuple[str, bytes] | None] | queue.Queue[tuple[str, bytes] | None]
        ) = queue.Queue() if in_process else multiprocessing.get_context("spawn").Queue()
        self._lock = threading.Lock()
        self._state = threading.Lock()
        self._vectors: dict[tuple[str, bytes], NDArray[np.float32]] = {}
        self._busy = False
        self.reused = 0
        """Keyframe vectors found early so far (not embedded again when their file was stored)."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="early-keyframes", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                item = self.queue.get(timeout=0.2)
            except queue.Empty:
                continue
            except (EOFError, OSError):
                return
            if item is None:
                return
            self._busy = True
            try:
                batch = [item]
                while len(batch) < BATCH:
                    try:
                        more = self.queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        self._stop.set()
                        break
                    batch.append(more)
                self._embed(batch)
            except Exception:  # a bad picture or a model error: those keyframes are embedded when stored
                log.debug("early keyframe embedding failed", exc_info=True)
            finally:
                self._busy = False

    def _embed(self, batch: list[tuple[str, bytes]]) -> None:
        images = [_image(jpeg) for _, jpeg in batch]
        with self._lock:
            matrix = self._encoder.embed_images(images)
        with self._state:
            for row, (path, jpeg) in enumerate(batch):
                self._vectors[(path, _digest(jpeg))] = matrix[row]

    def _settle(self) -> None:
        """Wait (at most ``SETTLE_S``) until nothing offered is waiting or being embedded."""
        deadline = time.monotonic() + SETTLE_S
        while time.monotonic() < deadline and self._thread.is_alive():
            if not self._busy and self.queue.empty():
                return
            time.sleep(0.005)

    def vectors(
        self, path: Path, images: Mapping[int, Image.Image], jpegs: Mapping[int, bytes]
    ) -> dict[int, NDArray[np.float32]]:
        """Shot id → CLIP vector of its keyframe (``images``, stored as ``jpegs``): the vector found early
        when the bytes match an offered keyframe of ``path``, else embedded now. Forgets ``path``."""
        self._settle()
        name = str(path)
        known: dict[int, NDArray[np.float32]] = {}
        with self._state:
            for shot_id, jpeg in jpegs.items():
                vector = self._vectors.get((name, _digest(jpeg)))
                if vector is not None and shot_id in images:
                    known[shot_id] = vector
            for key in [key for key in self._vectors if key[0] == name]:
                del self._vectors[key]
            self.reused += len(known)
        missing = {shot_id: image for shot_id, image in images.items() if shot_id not in known}
        with self._lock:
            found = visual_vectors(self._encoder, missing)
        log.debug("%s: %d keyframe vectors found early, %d embedded now", path, len(known), len(found))
        return {**known, **found}

    def close(self) -> None:
        """Stop the thread; keyframes still queued are dropped."""
        self._stop.set()
        with contextlib.suppress(ValueError, OSError, queue.Full):
            self.queue.put_nowait(None)
        self._thread.join(timeout=2.0)
        if isinstance(self.queue, queue.Queue):
            return
        self.queue.close()
        self.queue.cancel_join_thread()
