"""An exported CLIP image tower run by ONNX Runtime on the CPU, with its threads set for a shared machine.

Threads: the session runs each call on one thread (intra-op 1, no spinning), and ``threads`` calls run at
once, on different images. A ViT's matrices have only ~50 rows per image, so splitting one call's matrix
products over two threads makes the threads meet at a barrier after every operator; when the cores are
also decoding video (the index run: two analysis workers on two cores) a descheduled thread stalls the
other there, and spinning waiting threads burn the time the decoders need. Images in parallel share
nothing but the weights. ONNX Runtime releases the GIL during ``run``, so Python threads suffice.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from numpy.typing import NDArray


class OnnxImageTower:
    """An :class:`~montage.embedding.image_tower.ImageTower` over an ONNX file (input: pixels, N×3×H×W).

    ``rows_per_run`` images go through one session call; ``None`` splits a batch evenly over the threads.
    The int8 tower quantises activations with one scale per call, so putting several images in one call
    would make an image's vector depend on its neighbours: it runs with ``rows_per_run=1``, and every
    vector is a function of its image alone.
    """

    def __init__(self, path: Path, *, runtime: str, threads: int, rows_per_run: int | None) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        options.log_severity_level = 3  # errors only: its optimiser's notes are not montage's business
        self._session = onnxruntime.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._input = self._session.get_inputs()[0].name
        self._threads = max(1, threads)
        self._rows_per_run = rows_per_run
        self._pool = (
            ThreadPoolExecutor(max_workers=self._threads, thread_name_prefix=f"clip-{runtime}")
            if self._threads > 1
            else None
        )
        self.runtime = runtime
        self.path = path

    def _run(self, pixels: NDArray[np.float32]) -> NDArray[np.float32]:
        return np.asarray(self._session.run(None, {self._input: pixels})[0], dtype=np.float32)

    def encode(self, pixels: NDArray[np.float32]) -> NDArray[np.float32]:
        """Run the session over ``pixels``, ``rows_per_run`` images a call, ``threads`` calls at once."""
        pixels = np.ascontiguousarray(pixels, dtype=np.float32)
        rows = self._rows_per_run or max(1, math.ceil(len(pixels) / self._threads))
        chunks = [pixels[start : start + rows] for start in range(0, len(pixels), rows)]
        if self._pool is None or len(chunks) == 1:
            parts = [self._run(chunk) for chunk in chunks]
        else:
            parts = list(self._pool.map(self._run, chunks))
        return np.ascontiguousarray(np.concatenate(parts), dtype=np.float32)
