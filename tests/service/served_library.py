"""A real `montage serve` over a generated, re-indexed footage library, with an admin key: the set-up the
editor's browser tests share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.service.footage import make_library
from tests.service.processes import Proc, create_key, free_port, service_env, start_server, wait_for_job


@dataclass(frozen=True)
class ServedLibrary:
    """Where the server answers, the key to use and the library it indexed."""

    base: str
    key: str
    headers: dict[str, str]
    library: Path
    server: Proc


@contextmanager
def served_indexed_library(tmp_path: Path, *, clips: int = 6, shot_s: float = 4.0) -> Iterator[ServedLibrary]:
    """`montage serve` with one embedded worker over ``clips`` generated clips, re-indexed before yielding;
    stopped afterwards."""
    library = tmp_path / "library"
    make_library(library, clips=clips, shot_s=shot_s)
    env = service_env(tmp_path / "data", library, MONTAGE_SERVICE_EMBEDDED_WORKERS="1")
    key = create_key(env, "admin")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {key}"}
    server = start_server(env, port, tmp_path / "serve.log")
    try:
        reindex = httpx.post(f"{base}/v1/library/reindex", json={}, headers=headers, timeout=30).json()
        assert (
            wait_for_job(base, reindex["id"], key=key, timeout=300, procs=[server])["status"] == "succeeded"
        )
        yield ServedLibrary(base, key, headers, library, server)
    finally:
        server.stop()
