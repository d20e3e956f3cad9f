"""Process-wide torch settings the encoders share."""

from __future__ import annotations


def apply_torch_threads(threads: int) -> None:
    """Set torch's intra-op thread count (a process-wide setting) when it differs."""
    import torch

    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
