#!/usr/bin/env bash
# Set up montage and run the main job end to end on the embedded defaults (SQLite, local FAISS,
# in-process worker): build the demo footage library, index it, search it and make a narrated video.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export MONTAGE_DATA_DIR="${MONTAGE_DATA_DIR:-$PWD/data/demo}"
exec .venv/bin/montage demo "$@"
