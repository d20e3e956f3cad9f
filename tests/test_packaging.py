"""What a regular install gets: the lock file covers every declared dependency, and the wheel carries the
migrations (so `montage db upgrade` works without the source tree)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO_ROOT

_NOT_SOURCE = shutil.ignore_patterns("__pycache__", "*.pyc")


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


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-2000:])
    return done.stdout


@pytest.mark.slow
def test_a_wheel_install_migrates_and_runs_doctor_outside_the_source_tree(tmp_path: Path) -> None:
    """Build the wheel, install it (no deps) into a new venv that borrows the dependencies of this one
    (a .pth line, so this venv's editable montage is not seen), then run it from a folder with no source."""
    source = tmp_path / "source"  # a clean copy: setuptools' build/ folder would keep deleted modules
    for package in ("montage", "indexer", "api", "migrations"):
        shutil.copytree(REPO_ROOT / package, source / package, ignore=_NOT_SOURCE)
    for file_name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO_ROOT / file_name, source / file_name)
    wheels = tmp_path / "wheels"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheels),
            ".",
        ],
        source,
    )
    (wheel,) = wheels.glob("montage-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for versions_file in (REPO_ROOT / "migrations" / "versions").glob("*.py"):
        assert f"migrations/versions/{versions_file.name}" in names
    assert {"migrations/env.py", "migrations/script.py.mako", "montage/options/render.py"} <= names
    assert not any(name.startswith("tests/") for name in names)

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path)
    (site_packages,) = venv.glob("lib/python*/site-packages")
    (site_packages / "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    python = str(venv / "bin" / "python")
    _run(
        [sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", str(wheel)], tmp_path
    )

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = dict(os.environ, MONTAGE_DATA_DIR=str(tmp_path / "data"), HF_HUB_OFFLINE="1")
    env.pop("MONTAGE_DATABASE_URL", None)
    env.pop("PYTHONPATH", None)
    where = _run(
        [python, "-c", "import migrations, montage; print(montage.__file__, migrations.__file__)"], work, env
    )
    assert str(REPO_ROOT) not in where and str(site_packages) in where
    _run([str(venv / "bin" / "montage"), "db", "upgrade"], work, env)
    _run([str(venv / "bin" / "montage"), "db", "upgrade"], work, env)  # again: nothing to do
    _run([str(venv / "bin" / "montage"), "doctor", "--json"], work, env)
