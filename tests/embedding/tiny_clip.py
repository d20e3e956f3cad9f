"""A tiny randomly initialised open_clip model written to disk, to run the CLIP code path for real."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TINY_CONFIG = {
    "embed_dim": 32,
    "vision_cfg": {"image_size": 32, "layers": 1, "width": 32, "head_width": 16, "patch_size": 16},
    "text_cfg": {"context_length": 16, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 1},
}


@dataclass(frozen=True)
class TinyClip:
    """The config JSON, the checkpoint file, and the in-memory model they were made from."""

    config: Path
    checkpoint: Path
    model: Any
    preprocess: Any
    tokenizer: Any


def write_tiny_clip(folder: Path, name: str = "montage-tiny-clip", seed: int = 0) -> TinyClip:
    """Create the model with a fixed seed and save its config and state dict under ``folder``."""
    import open_clip
    import torch

    folder.mkdir(parents=True, exist_ok=True)
    config = folder / f"{name}.json"
    config.write_text(json.dumps(TINY_CONFIG), encoding="utf-8")
    open_clip.add_model_config(config)
    torch.manual_seed(seed)
    model, _train, preprocess = open_clip.create_model_and_transforms(name)
    model.eval()
    checkpoint = folder / f"{name}-seed{seed}.pt"
    torch.save(model.state_dict(), checkpoint)
    return TinyClip(config, checkpoint, model, preprocess, open_clip.get_tokenizer(name))
