"""Start-up work of a run done ahead, in a background thread, while the caller loads the models.

A new process making one video spends its first seconds loading things the stages need on first use:
py3langid's model (for the article's language). Loading it in a thread while the caller loads the text
model overlaps the parts of both that do not hold the interpreter lock (decompressing the model files),
and the article stage then finds it loaded.
"""

from __future__ import annotations

import logging
import threading

from montage.article.language import detect_language

log = logging.getLogger(__name__)

_SAMPLE = "The harbour handled a record number of container ships this year."


def _warm_up() -> None:
    try:
        detect_language(_SAMPLE)
    except Exception as exc:  # the stage that needs it loads it again and reports the failure there
        log.debug("warm-up failed: %s", exc)


def start_warm_up() -> threading.Thread:
    """Load the language identifier in a started daemon thread; join it before the run starts, so the
    two never load the same thing at once."""
    thread = threading.Thread(target=_warm_up, name="montage-warm-up", daemon=True)
    thread.start()
    return thread
