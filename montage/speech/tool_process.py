"""Running an external program (an engine, ffmpeg) with a time limit, failing with a SpeechError."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence

from montage.speech.errors import SpeechError

STDERR_TAIL_CHARS = 2000


def run_tool(
    command: Sequence[str],
    *,
    what: str,
    timeout_s: float,
    input_text: str | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` and return its result; raise ``SpeechError(synthesis_failed)`` when it fails.

    ``what`` names the step for the message (e.g. ``"espeak-ng"``). Output is decoded as UTF-8 with
    replacement, so a program printing odd bytes never breaks the caller.
    """
    try:
        completed = subprocess.run(
            list(command),
            input=input_text,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout_s,
            env=dict(env) if env is not None else None,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise SpeechError(f"{what} did not finish within {timeout_s:.0f} s", code="synthesis_failed") from exc
    except OSError as exc:
        raise SpeechError(f"{what} could not be started: {exc}", code="synthesis_failed") from exc
    if completed.returncode != 0:
        tail = completed.stderr[-STDERR_TAIL_CHARS:]
        last_line = tail.strip().splitlines()[-1] if tail.strip() else "no error output"
        raise SpeechError(
            f"{what} failed with exit code {completed.returncode}: {last_line}",
            code="synthesis_failed",
            stderr_tail=tail,
        )
    return completed
