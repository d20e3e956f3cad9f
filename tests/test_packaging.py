"""What a regular install gets: the lock file covers every declared dependency, and the wheel carries the
migrations (so `montage db upgrade` works without the source tree)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO_ROOT


def _pins(path: Path) -> dict[str, str]:
    """``name==version`` lines of a requirements or constraints file, by canonical name."""
    pins: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            requirement = Requirement(line)
            pins[canonicalize_name(requirement.name)] = str(requirement.specifier).removeprefix("==")
    return pins


def _declared() -> list[Requirement]:
    """montage's requirements and those of every extra, from pyproject.toml."""
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        lines += extra
    return [Requirement(line) for line in lines]


def test_the_lock_pins_every_declared_dependency_within_its_range() -> None:
    locked = _pins(REPO_ROOT / "requirements.lock")
    for requirement in _declared():
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement.name} is not in requirements.lock: run scripts/lock.py"
        assert requirement.specifier.contains(locked[name], prereleases=True), (requirement, locked[name])


def test_the_lock_agrees_with_the_torch_pins() -> None:
    locked = _pins(REPO_ROOT / "requirements.lock")
    for name, version in _pins(REPO_ROOT / "constraints.txt").items():
        assert locked[name] == version, name


@pytest.mark.slow
def test_the_wheel_carries_the_migrations(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            ".",
        ],
        cwd=REPO_ROOT,
        check=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("montage-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for versions_file in (REPO_ROOT / "migrations" / "versions").glob("*.py"):
        assert f"migrations/versions/{versions_file.name}" in names
    assert {"migrations/env.py", "migrations/script.py.mako", "montage/options/render.py"} <= names
    assert not any(name.startswith("tests/") for name in names)
