"""Start-up of a run: what importing the pipeline loads, and the warm-up done beside the model load."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from montage.article.language import _identifier
from montage.pipeline.warm_up import start_warm_up
from montage.speech.loudness import k_weighted, k_weighting
from montage.speech.peak_limiter import trailing_minimum
from tests.conftest import REPO_ROOT


def _modules_after(statement: str) -> set[str]:
    code = f"import json, sys; {statement}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(done.stdout))


@pytest.mark.slow
def test_importing_the_pipeline_and_the_make_command_loads_no_scipy() -> None:
    """scipy (about a second of start-up for its filters) is neither imported nor needed to normalise."""
    loaded = _modules_after("import montage.pipeline.make, api.cli.make_command")
    assert not {name for name in loaded if name.split(".")[0] == "scipy"}
    normalised = _modules_after(
        "import numpy as np; from montage.speech.loudness import normalise_loudness; "
        "normalise_loudness(np.sin(np.arange(44100) / 7.0), 22050, target_lufs=-16, peak_dbfs=-1.5)"
    )
    assert not {name for name in normalised if name.split(".")[0] == "scipy"}


@pytest.mark.parametrize("rate", [16000, 22050, 48000])
def test_k_weighting_by_fft_equals_the_recursive_filter(rate: int) -> None:
    """The scipy-free K-weighting (impulse response by FFT) gives what ``lfilter`` gives, to 1e-9."""
    lfilter = pytest.importorskip("scipy.signal").lfilter
    noise = np.random.default_rng(rate).standard_normal(rate * 3) * 0.3
    expected = noise
    for b, a in k_weighting(rate):
        expected = lfilter(b, a, expected)
    np.testing.assert_allclose(k_weighted(noise, rate), expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize("window", [1, 2, 5, 110, 441])
def test_trailing_minimum_equals_scipys_minimum_filter(window: int) -> None:
    minimum_filter1d = pytest.importorskip("scipy.ndimage").minimum_filter1d
    values = np.random.default_rng(window).random(5003)
    expected = minimum_filter1d(values, size=window, origin=(window - 1) // 2, mode="nearest")
    np.testing.assert_array_equal(trailing_minimum(values, window), expected)
    assert trailing_minimum(values[:3], window).tolist() == [
        min(values[max(0, m - window + 1) : m + 1]) for m in range(3)
    ]


def test_warm_up_loads_the_language_identifier_in_its_own_thread() -> None:
    _identifier.cache_clear()
    thread = start_warm_up()
    assert thread.daemon and thread.name == "montage-warm-up"
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert _identifier.cache_info().currsize == 1
