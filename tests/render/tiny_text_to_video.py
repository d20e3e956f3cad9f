"""A tiny, randomly initialised diffusers text-to-video pipeline saved to a folder (nothing downloaded).

The weights are random, so the frames are noise-like; what the tests check is that a real diffusers
pipeline loads from disk, runs, and its frames become a video of the asked size and length.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _byte_vocab() -> dict[str, int]:
    """CLIP's byte-level alphabet (each byte's printable stand-in), plain and word-final, plus specials."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
    printable += list(range(ord("®"), ord("ÿ") + 1))
    codes, extra = printable[:], 0
    for byte in range(256):
        if byte not in printable:
            codes.append(256 + extra)
            extra += 1
    chars = [chr(c) for c in codes]
    tokens = ["<|startoftext|>", "<|endoftext|>", *chars, *(c + "</w>" for c in chars)]
    return {token: i for i, token in enumerate(tokens)}


def build_tiny_pipeline(folder: Path) -> Path:
    """Save a tiny TextToVideoSDPipeline (UNet3D, VAE, CLIP text encoder, tokenizer) into ``folder``."""
    import torch
    from diffusers import AutoencoderKL, DDIMScheduler, TextToVideoSDPipeline, UNet3DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    torch.manual_seed(0)
    vocab = _byte_vocab()
    tokenizer_dir = folder / "tokenizer-source"
    tokenizer_dir.mkdir(parents=True, exist_ok=True)
    (tokenizer_dir / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    (tokenizer_dir / "merges.txt").write_text("#version: 0.2\n", encoding="utf-8")
    tokenizer = CLIPTokenizer(
        vocab_file=str(tokenizer_dir / "vocab.json"),
        merges_file=str(tokenizer_dir / "merges.txt"),
        model_max_length=32,
    )
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            bos_token_id=0,
            eos_token_id=1,
            pad_token_id=1,
            hidden_size=8,
            intermediate_size=16,
            num_attention_heads=2,
            num_hidden_layers=2,
            vocab_size=len(vocab),
            max_position_embeddings=32,
            projection_dim=8,
        )
    )
    unet = UNet3DConditionModel(
        block_out_channels=(8, 8),
        layers_per_block=1,
        sample_size=16,
        in_channels=4,
        out_channels=4,
        down_block_types=("CrossAttnDownBlock3D", "DownBlock3D"),
        up_block_types=("UpBlock3D", "CrossAttnUpBlock3D"),
        cross_attention_dim=8,
        attention_head_dim=4,
        norm_num_groups=2,
    )
    vae = AutoencoderKL(
        block_out_channels=(8, 8),
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
        latent_channels=4,
        sample_size=32,
        norm_num_groups=2,
    )
    scheduler = DDIMScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        clip_sample=False,
        set_alpha_to_one=False,
    )
    pipeline: Any = TextToVideoSDPipeline(
        vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet, scheduler=scheduler
    )
    target = folder / "tiny-text-to-video"
    pipeline.save_pretrained(str(target))
    return target
