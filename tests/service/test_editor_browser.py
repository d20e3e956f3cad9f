"""The editor UI in real headless Chromium against a real `montage serve` process."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import numpy as np
import pytest

from tests.service.browser import chromium_page, screenshot
from tests.service.footage import make_library
from tests.service.processes import create_key, free_port, service_env, start_server, wait_for_job

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


REVIEW_ARTICLE = """# A busy weekend in town

Fishing boats returned to the small harbour at dawn with a record catch.

At the open-air market, shoppers bought fruit from the farms nearby.

In the evening, football fans cheered in the stadium as the home team won.
"""


def _gray_frame(video: Path, at_s: float) -> np.ndarray:
    raw = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-ss", f"{at_s:.3f}", "-i", str(video), "-frames:v", "1",
         "-vf", "scale=32:18,format=gray", "-f", "rawvideo", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, dtype=np.uint8).astype(np.float32).reshape(18, 32)


def test_review_swap_and_rerender(tmp_path: Path) -> None:
    pytest.importorskip("montage.pipeline.edit")
    library = tmp_path / "library"
    make_library(library, clips=6, shot_s=4.0)
    env = service_env(tmp_path / "data", library, MONTAGE_SERVICE_EMBEDDED_WORKERS="1")
    key = create_key(env, "admin")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {key}"}
    server = start_server(env, port, tmp_path / "serve.log")
    try:
        reindex = httpx.post(f"{base}/v1/library/reindex", json={}, headers=headers, timeout=30).json()
        assert wait_for_job(base, reindex["id"], timeout=300, procs=[server])["status"] == "succeeded"
        with chromium_page() as page:
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))  # type: ignore[attr-defined]
            page.goto(f"{base}/editor/#/new")  # type: ignore[attr-defined]
            page.fill("#api-key", key)  # type: ignore[attr-defined]
            page.click("#key-form button")  # type: ignore[attr-defined]
            page.fill("#article", REVIEW_ARTICLE)  # type: ignore[attr-defined]
            page.click("[data-testid=submit-article]")  # type: ignore[attr-defined]
            page.wait_for_url("**/editor/#/jobs/*")  # type: ignore[attr-defined]
            job_id = page.url.rsplit("/", 1)[1]  # type: ignore[attr-defined]
            page.locator("[data-testid=strip]").wait_for(timeout=400_000)  # type: ignore[attr-defined]
            screenshot(page, "04-review-first-cut")

            first = httpx.get(f"{base}/v1/jobs/{job_id}/timeline?revision=1", timeout=30).json()["timeline"]
            segment = next(
                s for s in first["segments"]
                if s["shot"] and any(a["shot_id"] != s["shot"]["shot_id"] for a in s["alternatives"][:6])
            )  # fmt: skip
            index = segment["index"]
            k, alternative = next(
                (k, a)
                for k, a in enumerate(segment["alternatives"][:6])
                if a["shot_id"] != segment["shot"]["shot_id"]
            )
            pending = page.locator("[data-testid=pending-edits]")  # type: ignore[attr-defined]
            # a trim scrubber bounded by the shot, showing the frame at the new in point
            # the shortest segment: its 4 s shot leaves room to slide
            other = min((s for s in first["segments"] if s["shot"]), key=lambda s: s["end"] - s["start"])
            j = other["index"]
            page.click(f"[data-testid=trim-{j}] summary")  # type: ignore[attr-defined]
            slider = page.locator(f"[data-testid=trim-slider-{j}]")  # type: ignore[attr-defined]
            # (locators, not wait_for_function: the editor's CSP forbids evaluating strings)
            page.locator(f"[data-testid=trim-slider-{j}]:not([disabled])").wait_for()  # type: ignore[attr-defined]
            low, high = float(slider.get_attribute("min")), float(slider.get_attribute("max"))
            assert low <= high  # in points at normal speed that keep the segment inside the shot
            slider.fill(str(high))
            page.locator(f"[data-testid=trim-frame-{j}][src*='?at=']").wait_for()  # type: ignore[attr-defined]
            page.click(f"[data-testid=trim-add-{j}]")  # type: ignore[attr-defined]
            trim_row = pending.locator("li", has_text=f"#{j + 1}: use the shot from")
            trim_row.wait_for()
            trim_row.locator("button").click()  # keep this revision to the swap
            assert trim_row.count() == 0
            page.click(f"[data-testid=alt-{index}-{k}]")  # type: ignore[attr-defined]
            described = f"#{index + 1}: show shot {alternative['shot_id']}"
            assert described in pending.inner_text()
            # Issue 9: the card shows the new picture at once, before any render
            page.locator(f"[data-testid=pending-picture-{index}]").wait_for()  # type: ignore[attr-defined]
            screenshot(page, "05-review-swap-pending")
            # undo / redo from the keyboard; the storyboard follows
            page.keyboard.press("Control+z")  # type: ignore[attr-defined]
            assert described not in pending.inner_text()
            assert page.locator(f"[data-testid=pending-picture-{index}]").count() == 0  # type: ignore[attr-defined]
            page.keyboard.press("Control+Shift+z")  # type: ignore[attr-defined]
            assert described in pending.inner_text()
            page.click("[data-testid=save-edits]")  # type: ignore[attr-defined]
            page.locator("[data-testid=revision-row][data-number='2'][data-status='draft']").wait_for()  # type: ignore[attr-defined]
            # the player says plainly that the revision on screen is not rendered yet
            note = page.locator("[data-testid=player-note]")  # type: ignore[attr-defined]
            assert "Revision 2 is not rendered yet" in note.inner_text()
            page.click("[data-testid=render-btn]")  # type: ignore[attr-defined]
            page.locator("[data-testid=revision-row][data-number='2'][data-status='rendered']").wait_for(  # type: ignore[attr-defined]
                timeout=400_000
            )
            page.locator("[data-testid=video][data-revision='2']").wait_for()  # type: ignore[attr-defined]
            screenshot(page, "06-review-rerendered")
            assert page.locator("[data-testid=player-note]").count() == 0  # type: ignore[attr-defined]
            # player and storyboard as one: a click on a card's sentence seeks there and lights the card
            page.click(f"[data-testid=segment-{index}] .sentence")  # type: ignore[attr-defined]
            page.locator(f"[data-testid=segment-{index}].current").wait_for()  # type: ignore[attr-defined]
            now = page.evaluate("document.querySelector('[data-testid=video]').currentTime")  # type: ignore[attr-defined]
            assert abs(float(now) - segment["start"]) < 0.5
            row = "[data-testid=revision-row][data-number='2']"
            page.click(f"{row} [data-testid=approve-btn]")  # type: ignore[attr-defined]
            page.locator(f"{row} [data-testid=final-badge]").wait_for()  # type: ignore[attr-defined]
            page.click(f"{row} [data-testid=unapprove-btn]")  # type: ignore[attr-defined]
            page.locator(f"{row} [data-testid=approve-btn]").wait_for()  # type: ignore[attr-defined]
            page.click(f"{row} [data-testid=approve-btn]")  # type: ignore[attr-defined]
            page.locator(f"{row} [data-testid=final-badge]").wait_for()  # type: ignore[attr-defined]
            screenshot(page, "07-review-approved")
            assert errors == []

        second = httpx.get(f"{base}/v1/jobs/{job_id}/timeline?revision=2", timeout=30).json()["timeline"]
        swapped = second["segments"][index]
        assert swapped["shot"]["shot_id"] == alternative["shot_id"]
        untouched = [
            s["shot"] and s["shot"]["shot_id"] for i, s in enumerate(second["segments"]) if i != index
        ]
        assert untouched == [
            s["shot"] and s["shot"]["shot_id"] for i, s in enumerate(first["segments"]) if i != index
        ]
        revisions = httpx.get(f"{base}/v1/jobs/{job_id}/revisions", timeout=30).json()
        assert [(r["number"], r["status"], r["approved"]) for r in revisions] == [
            (1, "rendered", False),
            (2, "rendered", True),
        ]

        # the new video shows the swapped shot where the segment is: its frame is closer to the new
        # shot's source frame than to the old shot's
        new_video, old_video = tmp_path / "r2.mp4", tmp_path / "r1.mp4"
        new_video.write_bytes(httpx.get(f"{base}/v1/jobs/{job_id}/video.mp4?revision=2", timeout=60).content)
        old_video.write_bytes(httpx.get(f"{base}/v1/jobs/{job_id}/video.mp4?revision=1", timeout=60).content)
        middle = (swapped["start"] + swapped["end"]) / 2
        offset = middle - swapped["start"]

        def source_frame(shot: dict[str, object]) -> np.ndarray:
            path = Path(str(shot["path"]))
            path = path if path.is_absolute() else library / path
            return _gray_frame(path, float(shot["in"]) + offset)  # type: ignore[arg-type]

        frame = _gray_frame(new_video, middle)
        to_new = float(np.abs(frame - source_frame(swapped["shot"])).mean())
        to_old = float(np.abs(frame - source_frame(segment["shot"])).mean())
        assert to_new < to_old, (to_new, to_old)
        assert float(np.abs(frame - _gray_frame(old_video, middle)).mean()) > 1.0  # the picture changed
    finally:
        server.stop()
