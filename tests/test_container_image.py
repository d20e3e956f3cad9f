"""The Docker image installs what scripts/setup.sh installs for real use: Debian packages, Python extras."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Installed by setup.sh for development and tests only, so deliberately not in the image.
DEV_ONLY_DEBIAN_PACKAGES = {
    "chromium",  # the editor's browser tests (tests/service/browser.py)
    # tests play montage's MLT export with melt (tests/export/test_melt_render.py); montage never runs it
    "melt",
    "docker-compose",  # validates docker-compose.yml (tests/service/test_compose.py) and runs the stack
}
DEV_ONLY_EXTRAS = {
    "dev",  # pytest, ruff, mypy, playwright and the other test and lint tools
}


def _setup_script() -> str:
    return (REPO / "scripts" / "setup.sh").read_text(encoding="utf-8")


def _dockerfile_commands() -> list[list[str]]:
    """Every RUN instruction of the Dockerfile, joined over its continuation lines and split into words."""
    text = (REPO / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    runs = [line[len("RUN ") :] for line in text.splitlines() if line.startswith("RUN ")]
    return [shlex.split(part) for run in runs for part in run.split("&&")]


def setup_debian_packages() -> set[str]:
    match = re.search(r"^SYSTEM_PACKAGES=\(([^)]*)\)", _setup_script(), re.MULTILINE)
    assert match, "scripts/setup.sh no longer lists SYSTEM_PACKAGES=(...)"
    return set(match.group(1).split())


def setup_extras() -> set[str]:
    match = re.search(r"-e\s+'\.\[([^\]]*)\]'", _setup_script())
    assert match, "scripts/setup.sh no longer installs -e '.[extras]'"
    return set(match.group(1).split(","))


def image_debian_packages() -> set[str]:
    packages: set[str] = set()
    for words in _dockerfile_commands():
        if words[:2] == ["apt-get", "install"]:
            packages.update(word for word in words[2:] if not word.startswith("-"))
    return packages


def image_extras() -> set[str]:
    extras: set[str] = set()
    for words in _dockerfile_commands():
        if words[:2] == ["pip", "install"]:
            for word in words[2:]:
                match = re.fullmatch(r"\.\[([^\]]*)\]", word)
                if match:
                    extras.update(match.group(1).split(","))
    return extras


def test_the_parsers_read_both_files() -> None:
    assert {"ffmpeg", "fonts-noto-cjk", "chromium"} <= setup_debian_packages()
    assert {"dev", "speech-zh"} <= setup_extras()
    assert "ffmpeg" in image_debian_packages()


def test_every_runtime_debian_package_of_setup_is_in_the_image() -> None:
    missing = setup_debian_packages() - DEV_ONLY_DEBIAN_PACKAGES - image_debian_packages()
    assert not missing, f"the Dockerfile does not apt-get install {sorted(missing)} (scripts/setup.sh does)"


def test_every_runtime_extra_of_setup_is_in_the_image() -> None:
    missing = setup_extras() - DEV_ONLY_EXTRAS - image_extras()
    assert not missing, (
        f"the Dockerfile does not pip install the extras {sorted(missing)} (scripts/setup.sh does)"
    )


def test_the_image_carries_no_dev_only_package_and_the_allow_list_is_current() -> None:
    assert not (image_debian_packages() & DEV_ONLY_DEBIAN_PACKAGES)
    assert not (image_extras() & DEV_ONLY_EXTRAS)
    assert setup_debian_packages() >= DEV_ONLY_DEBIAN_PACKAGES, "drop packages setup.sh no longer installs"
    assert setup_extras() >= DEV_ONLY_EXTRAS, "drop extras setup.sh no longer installs"


def test_the_image_keeps_model_weights_on_the_models_volume() -> None:
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r'VOLUME \[[^\]]*"/models"', dockerfile)
    assert "HF_HOME=/models/huggingface" in dockerfile
    assert "MONTAGE_EMBEDDING__HF_CACHE_DIR=/models/huggingface/hub" in dockerfile
