"""The editor UI in real headless Chromium against a real `montage serve` process."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.service.browser import chromium_page, screenshot
from tests.service.processes import create_key, free_port, service_env, start_server

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ARTICLE = (
    "The city opened a new cycle lane on Monday. "
    "Commuters say traffic at the main intersection is calmer.\n\n"
    "Restaurants nearby report more customers at lunch, and chefs are adding quick dishes to their menus."
)


def test_job_list_submit_and_cancel(tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    env = service_env(tmp_path / "data", library, MONTAGE_SERVICE_EMBEDDED_WORKERS="0")
    key = create_key(env, "submit", "edit")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(env, port, tmp_path / "serve.log")
    try:
        with chromium_page() as page:
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))  # type: ignore[attr-defined]
            page.goto(f"{base}/editor/")  # type: ignore[attr-defined]
            page.get_by_text("No jobs yet.").wait_for()  # type: ignore[attr-defined]
            page.fill("#api-key", key)  # type: ignore[attr-defined]
            page.click("#key-form button")  # type: ignore[attr-defined]
            page.click("text=New video")  # type: ignore[attr-defined]
            page.fill("#article", ARTICLE)  # type: ignore[attr-defined]
            page.select_option("#aspect", "9:16")  # type: ignore[attr-defined]
            screenshot(page, "01-new-video")
            page.click("[data-testid=submit-article]")  # type: ignore[attr-defined]
            page.wait_for_url("**/editor/#/jobs/*")  # type: ignore[attr-defined]
            job_id = page.url.rsplit("/", 1)[1]  # type: ignore[attr-defined]
            status = page.locator("[data-testid=status]")  # type: ignore[attr-defined]
            status.wait_for()
            assert status.inner_text() == "queued"
            stored = httpx.get(f"{base}/v1/jobs/{job_id}", timeout=10).json()
            assert stored["status"] == "queued" and stored["kind"] == "video"
            screenshot(page, "02-job-queued")
            page.click("text=Cancel")  # type: ignore[attr-defined]
            page.wait_for_function(  # type: ignore[attr-defined]
                "document.querySelector('[data-testid=status]').textContent === 'cancelled'"
            )
            assert httpx.get(f"{base}/v1/jobs/{job_id}", timeout=10).json()["status"] == "cancelled"
            page.click("text=Jobs")  # type: ignore[attr-defined]
            row = page.locator(f"[data-job-id='{job_id}']")  # type: ignore[attr-defined]
            row.wait_for()
            assert "cancelled" in row.inner_text()
            screenshot(page, "03-job-list")
            assert errors == []
    finally:
        server.stop()
