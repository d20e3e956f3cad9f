"""Issue 10: requests must never fail because another request is writing (SQLite, the default)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.service.processes import create_key, free_port, service_env, start_server

pytestmark = [pytest.mark.slow, pytest.mark.reliability]

ARTICLE = "# Harbour\n\nContainer ships waited outside the harbour.\n\nCranes worked through the night."


def test_fifty_concurrent_authenticated_requests_get_no_server_error(tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    env = service_env(tmp_path / "data", library, MONTAGE_SERVICE_EMBEDDED_WORKERS="1")
    submitter = create_key(env, "submit")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(env, port, tmp_path / "serve.log")
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            first = client.post(
                "/v1/videos", json={"article": ARTICLE}, headers={"Authorization": f"Bearer {submitter}"}
            )
            assert first.status_code == 202  # a job runs (and writes) while the burst arrives

            def one(number: int) -> int:
                if number % 3:  # two in three requests authenticate (each used to write last_used_at)
                    response = client.post(
                        "/v1/videos",
                        json={"article": ARTICLE},
                        headers={"Authorization": f"Bearer {submitter}"},
                    )
                else:
                    path = "/v1/jobs" if number % 2 else f"/v1/jobs/{first.json()['id']}"
                    response = client.get(path, headers={"Authorization": f"Bearer {submitter}"})
                return response.status_code

            with ThreadPoolExecutor(max_workers=50) as pool:
                codes = list(pool.map(one, range(100)))
        assert not [code for code in codes if code >= 500], codes
        assert all(code in (200, 202) for code in codes), sorted(set(codes))
    finally:
        server.stop()
