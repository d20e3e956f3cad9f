"""Optional fallback: a short clip from a local diffusers text-to-video pipeline (never downloaded).

``diffusers`` (and torch) are imported only when a clip is generated; without them, or without the model
folder, ``generate`` raises ModelUnavailableError so the caller can fall back to title cards.
"""

from __future__ import annotations

import importlib
import os
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from montage.errors import MediaError, ModelUnavailableError

_STDERR_TAIL = 2000


def _frames_as_uint8(frames: Any) -> NDArray[np.uint8]:
    """Pipeline output frames (PIL list, numpy or torch; batched or not) as an (F, H, W, 3) uint8 array."""
    if hasattr(frames, "detach"):
        frames = frames.detach().cpu().float().numpy()
    if isinstance(frames, list) and frames and hasattr(frames[0], "convert"):
        frames = np.stack([np.asarray(image.convert("RGB")) for image in frames])
    array = np.asarray(frames)
    while array.ndim > 4:
        array = array[0]
    if array.ndim != 4:
        raise MediaError(f"text-to-video pipeline returned frames of shape {array.shape}")
    if array.shape[-1] not in (1, 3, 4) and array.shape[1] in (1, 3, 4):
        array = np.moveaxis(array, 1, -1)  # (F, C, H, W) -> (F, H, W, C)
    if array.dtype != np.uint8:
        array = np.clip(np.nan_to_num(array.astype(np.float32)) * 255.0 + 0.5, 0, 255).astype(np.uint8)
    if array.shape[-1] == 1:
        array = np.repeat(array, 3, axis=-1)
    return np.ascontiguousarray(array[..., :3])


class DiffusersGenerator:
    """Generates ``frames`` frames for the phrase and stretches them evenly over the segment."""

    def __init__(self, model_path: Path, *, steps: int = 20, frames: int = 16, seed: int = 0) -> None:
        self.model_path = model_path
        self.steps = steps
        self.frames = frames
        self.seed = seed
        self._pipeline: Any = None

    def _load(self) -> Any:
        if self._pipeline is not None:
            return self._pipeline
        if not (self.model_path / "model_index.json").is_file():
            raise ModelUnavailableError(f"no diffusers pipeline (model_index.json) in {self.model_path}")
        try:
            diffusers: Any = importlib.import_module("diffusers")
        except ImportError as exc:
            raise ModelUnavailableError(
                "the diffusers fallback needs the 'diffusers' package, which is not installed"
            ) from exc
        try:
            self._pipeline = diffusers.DiffusionPipeline.from_pretrained(
                str(self.model_path), local_files_only=True
            )
        except (OSError, ValueError) as exc:
            raise ModelUnavailableError(
                f"cannot load the diffusers pipeline in {self.model_path}: {exc}"
            ) from exc
        self._pipeline.set_progress_bar_config(disable=True)
        return self._pipeline

    def render_frames(self, text: str) -> NDArray[np.uint8]:
        """Run the pipeline for ``text``: (frames, height, width, 3) uint8 RGB."""
        pipeline = self._load()  # first: it says clearly when diffusers or the model is missing
        import torch

        generator = torch.Generator(device="cpu").manual_seed(self.seed)
        with torch.inference_mode():
            result = pipeline(
                prompt=text,
                num_frames=self.frames,
                num_inference_steps=self.steps,
                generator=generator,
                output_type="np",
            )
        return _frames_as_uint8(result.frames)

    def generate(
        self, text: str, duration_s: float, width: int, height: int, fps: float, out_path: Path
    ) -> Path:
        """Write the generated clip, cropped to fill ``width``×``height`` at ``fps``, ``duration_s`` long."""
        frames = self.render_frames(text)
        count, frame_h, frame_w, _ = frames.shape
        out_path.parent.mkdir(parents=True, exist_ok=True)
        temp = out_path.with_name(f".{out_path.stem}.{os.getpid()}.part{out_path.suffix or '.mp4'}")
        args = [
            "ffmpeg", "-nostdin", "-v", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{frame_w}x{frame_h}",
            "-framerate", f"{count / max(duration_s, 1e-3):.6f}", "-i", "pipe:0",
            "-vf", f"scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height},"
            f"setsar=1,fps={fps:g},tpad=stop_mode=clone:stop_duration=1",
            "-t", f"{duration_s:.6f}", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
            "-pix_fmt", "yuv420p", "-an", str(temp),
        ]  # fmt: skip
        done = subprocess.run(args, input=frames.tobytes(), capture_output=True, check=False)
        if done.returncode != 0:
            temp.unlink(missing_ok=True)
            tail = done.stderr.decode("utf-8", "replace")[-_STDERR_TAIL:]
            raise MediaError("ffmpeg could not encode the generated clip", stderr_tail=tail)
        os.replace(temp, out_path)
        return out_path
