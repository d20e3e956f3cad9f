"""``import montage.config`` stays cheap: pydantic and the option groups, no stage code, no model runtime."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO_ROOT

HEAVY = {"numpy", "scipy", "torch", "open_clip", "sentence_transformers", "faiss", "av", "PIL", "cv2"}
HEAVY |= {"sqlalchemy", "httpx", "lxml", "jieba", "opentimelineio"}


def _modules_loaded_by(statement: str) -> set[str]:
    """The names in ``sys.modules`` after running ``statement`` in a fresh interpreter."""
    code = f"import json, sys; {statement}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(out.stdout))


def test_importing_the_settings_loads_no_stage_code() -> None:
    loaded = _modules_loaded_by("import montage.config; montage.config.Settings()")
    own = {name for name in loaded if name.split(".")[0] == "montage"}
    leaves = {"montage", "montage.config", "montage.options"}
    assert {name for name in own if name not in leaves and not name.startswith("montage.options.")} == set()
    assert {name.split(".")[0] for name in loaded} & HEAVY == set()
