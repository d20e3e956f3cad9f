"""The manifest stored beside each FAISS index: which model made the vectors and how the index was built."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from montage.errors import IndexMissingError

MANIFEST_NAME = "manifest.json"
FORMAT_VERSION = 2


@dataclass(frozen=True)
class IndexManifest:
    """What one built index holds.

    ``index_type`` is ``"Flat"`` (exact) or e.g. ``"IVF1000,SQ8"``; ``nprobe`` is the number of IVF lists
    searched per query, calibrated at build time (None for exact indexes); ``calibration_recall`` is the
    recall@k measured for that nprobe on a sample of the indexed vectors (1.0 for exact indexes).
    ``revision`` is the library revision the vectors came from; ``version`` numbers the builds of a channel.
    ``update`` says how this version was made from the last: ``full`` (built anew: index kind, lists and
    nprobe chosen for ``trained_count`` vectors), ``incremental`` (the last version with the vectors written
    since its revision added and deleted ones removed) or ``unchanged`` (the last version's files, a newer
    revision). Manifests of format 1 read as ``full`` with ``trained_count`` = ``count``.
    """

    channel: str
    model_id: str
    dim: int
    metric: str
    count: int
    index_type: str
    revision: int
    created_at: str
    nprobe: int | None
    calibration_recall: float
    version: int
    update: str = "full"
    trained_count: int = 0

    def to_json(self) -> dict[str, object]:
        """The manifest as a JSON object."""
        return {"format": FORMAT_VERSION, **asdict(self)}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> IndexManifest:
        """Parse a manifest written by :meth:`to_json`."""
        nprobe = data.get("nprobe")
        return cls(
            channel=str(data["channel"]),
            model_id=str(data["model_id"]),
            dim=int(str(data["dim"])),
            metric=str(data["metric"]),
            count=int(str(data["count"])),
            index_type=str(data["index_type"]),
            revision=int(str(data["revision"])),
            created_at=str(data["created_at"]),
            nprobe=None if nprobe is None else int(str(nprobe)),
            calibration_recall=float(str(data["calibration_recall"])),
            version=int(str(data["version"])),
            update=str(data.get("update", "full")),
            trained_count=int(str(data.get("trained_count", data["count"]))),
        )


def write_manifest(folder: Path, manifest: IndexManifest) -> Path:
    """Write ``manifest.json`` into ``folder`` and return its path."""
    path = folder / MANIFEST_NAME
    path.write_text(json.dumps(manifest.to_json(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def load_manifest(folder: Path) -> IndexManifest:
    """Read ``folder/manifest.json``.

    Raises FileNotFoundError when it is absent and IndexMissingError when it is unreadable.
    """
    path = folder / MANIFEST_NAME
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return IndexManifest.from_json(data)
    except (ValueError, KeyError) as exc:
        raise IndexMissingError(
            f"the index manifest {path} is unreadable ({exc}); rebuild the index"
        ) from exc
