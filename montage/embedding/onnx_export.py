"""Export an open_clip image tower to ONNX (float32), and quantise an export's weights to int8.

The export uses torch's ``torch.export``-based ONNX exporter with a dynamic batch dimension; quantisation is
ONNX Runtime's dynamic quantisation (int8 weights, uint8 activations scaled per run, int8 matrix products).
Both write to the target path only when complete (a temporary file renamed over it).
"""

from __future__ import annotations

import logging
import os
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

INPUT_NAME = "pixels"
OUTPUT_NAME = "features"
MAX_BATCH = 1024


@contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    """A temporary path in ``target``'s folder, renamed to ``target`` when the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    umask = os.umask(0)
    os.umask(umask)
    temporary.chmod(0o666 & ~umask)  # mkstemp's 0600 would keep the cache from other users of the folder
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


@contextmanager
def _warnings_to_debug_log(step: str) -> Iterator[None]:
    """Keep the exporters' own warnings (deprecations, tracing notes) out of the caller's warning filters."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for warning in caught:
        log.debug("%s: %s: %s", step, warning.category.__name__, warning.message)


def _encode_image_module(model: Any) -> Any:
    """``model.encode_image`` as a module of its own, in eval mode (what is exported)."""
    import torch

    class EncodeImage(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, pixels: torch.Tensor) -> torch.Tensor:
            return self.model.encode_image(pixels)  # type: ignore[no-any-return]

    return EncodeImage().eval()


def export_image_tower(model: Any, image_size: tuple[int, int], target: Path) -> None:
    """Write ``model.encode_image`` (an open_clip model in eval mode, on the CPU) to ``target`` as ONNX.

    Raises whatever the exporter raises when the tower cannot be exported.
    """
    import torch

    height, width = image_size
    example = torch.zeros((2, 3, height, width), dtype=torch.float32)
    batch = torch.export.Dim("batch", min=1, max=MAX_BATCH)
    with _temporary_beside(target) as temporary, _warnings_to_debug_log("ONNX export"), torch.no_grad():
        program = torch.onnx.export(
            _encode_image_module(model),
            (example,),
            input_names=[INPUT_NAME],
            output_names=[OUTPUT_NAME],
            dynamic_shapes={"pixels": {0: batch}},
            dynamo=True,
            external_data=False,
            verbose=False,
        )
        if program is None:  # pragma: no cover - the dynamo exporter always returns a program
            raise RuntimeError("torch.onnx.export returned no program")
        program.save(str(temporary), external_data=False)


def quantise_int8(source: Path, target: Path) -> None:
    """Write ``source`` (a float ONNX model) to ``target`` with int8 matrix products (dynamic quantisation).

    Quantised: every ``MatMul`` with a constant weight matrix (ONNX Runtime's ``MatMulConstBOnly``; its
    ``Gemm`` become ``MatMul`` first), weights per output channel (closer to the float model than one scale
    per matrix, at the same speed) and in 7 bits (``reduce_range``). Float stays:

    * products of two activations (attention's query × key and weights × value): exporters may write them
      as plain ``MatMul`` (torch 2.14's does), and both sides would be quantised per run;
    * the patch-embedding convolution: ONNX Runtime's ``ConvInteger`` took 29 % of the int8 ViT-B-32's
      time for 2 % of its arithmetic.

    Why 7-bit weights: on x86 CPUs without VNNI (AVX2 only, e.g. this 2-core AMD EPYC) ONNX Runtime
    multiplies uint8 × int8 with an instruction that saturates its 16-bit pair sums; with 8-bit weights
    the random-weight ViT-B-32's vectors fell to cosine 0.973-0.980 of the float model's (one image a
    run), with 7-bit ones they stay at 0.9997, at the same speed. (On CPUs with VNNI the 7th bit is given
    up for nothing; not measured here, none at hand.)
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with _temporary_beside(target) as temporary, _warnings_to_debug_log("int8 quantisation"):
        quantize_dynamic(
            str(source),
            str(temporary),
            weight_type=QuantType.QInt8,
            per_channel=True,
            reduce_range=True,
            op_types_to_quantize=["MatMul"],
            extra_options={"MatMulConstBOnly": True},
        )
