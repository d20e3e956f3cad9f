"""The editor UI in real headless Chromium against a real `montage serve` process."""

from __future__ import annotations

import subprocess
import time
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from montage.config import Settings
from tests.service.browser import chromium_page, screenshot
from tests.service.conftest import key_id
from tests.service.processes import create_key, free_port, service_env, start_server
from tests.service.published import publish_video_job
from tests.service.served_library import served_indexed_library

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
    headers = {"Authorization": f"Bearer {key}"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(env, port, tmp_path / "serve.log")
    try:
        with chromium_page() as page:
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))  # type: ignore[attr-defined]
            page.goto(f"{base}/editor/")  # type: ignore[attr-defined]
            page.locator("[data-testid=needs-key]").wait_for()  # type: ignore[attr-defined]  # reads need a key
            page.fill("#api-key", key)  # type: ignore[attr-defined]
            page.click("#key-form button")  # type: ignore[attr-defined]
            page.get_by_text("No jobs yet.").wait_for()  # type: ignore[attr-defined]
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
            stored = httpx.get(f"{base}/v1/jobs/{job_id}", headers=headers, timeout=10).json()
            assert stored["status"] == "queued" and stored["kind"] == "video"
            screenshot(page, "02-job-queued")
            page.click("text=Cancel")  # type: ignore[attr-defined]
            # A locator waits without evaluating a string (the editor's CSP forbids eval, which a string
            # predicate of wait_for_function needs once it has to poll).
            page.locator("[data-testid=status]", has_text="cancelled").wait_for()  # type: ignore[attr-defined]
            assert (
                httpx.get(f"{base}/v1/jobs/{job_id}", headers=headers, timeout=10).json()["status"]
                == "cancelled"
            )
            page.click("text=Jobs")  # type: ignore[attr-defined]
            row = page.locator(f"[data-job-id='{job_id}']")  # type: ignore[attr-defined]
            row.wait_for()
            assert "cancelled" in row.inner_text()
            # the story's title, not a hex id; a cancelled job does not claim to be done
            assert "The city opened a new cycle lane on Monday." in row.inner_text()
            assert "100 %" not in row.inner_text()
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


def _axe_violations(page: object) -> list[dict[str, object]]:
    """Serious and critical WCAG 2 A/AA violations axe-core finds in the page (axe-core is MPL-2.0, run
    from the copy the axe-playwright-python package ships; evaluated over the DevTools protocol, which the
    editor's CSP allows, unlike an injected script tag)."""
    axe = pytest.importorskip("axe_playwright_python", reason="axe-playwright-python (dev extra) is missing")
    source = resources.files(axe).joinpath("axe.min.js").read_text(encoding="utf-8")
    page.evaluate(source + "\n;0")  # type: ignore[attr-defined]
    found = page.evaluate(  # type: ignore[attr-defined]
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"
    )
    serious = [v for v in found if v["impact"] in ("serious", "critical")]

    return serious


def _no_sideways_overflow(page: object) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))  # type: ignore[attr-defined]


def test_an_editors_walk_through(tmp_path: Path) -> None:
    """Issue 9's walk-through in real Chromium: submit, follow progress, play, click a card to seek, swap in a
    shot in use elsewhere via exchange, undo, redo, trim with the bounded control, re-voice a sentence,
    render, play the new revision, approve it, download the MP4; screenshots at 1366x768 and 390 px, no
    sideways overflow at 390 px, and no serious axe-core violations."""
    with served_indexed_library(tmp_path) as served:
        base, key, headers, library = served.base, served.key, served.headers, served.library
        with chromium_page() as page:
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))  # type: ignore[attr-defined]
            refused: list[str] = []  # media the page loads without headers must come signed (issue 10)
            page.on(  # type: ignore[attr-defined]
                "response",
                lambda r: refused.append(f"{r.status} {r.url}") if r.status in (401, 403) else None,
            )
            page.set_viewport_size({"width": 1366, "height": 768})  # type: ignore[attr-defined]
            page.goto(f"{base}/editor/#/new")  # type: ignore[attr-defined]
            page.fill("#api-key", key)  # type: ignore[attr-defined]
            page.click("#key-form button")  # type: ignore[attr-defined]
            page.fill("#article", REVIEW_ARTICLE)  # type: ignore[attr-defined]
            page.click("[data-testid=submit-article]")  # type: ignore[attr-defined]
            page.wait_for_url("**/editor/#/jobs/*")  # type: ignore[attr-defined]
            job_id = page.url.rsplit("/", 1)[1]  # type: ignore[attr-defined]
            page.locator("h1", has_text="A busy weekend in town").wait_for()  # type: ignore[attr-defined]
            progress = page.locator("[data-testid=progress-text]")  # type: ignore[attr-defined]
            page.locator("[data-testid=strip]").wait_for(timeout=400_000)  # type: ignore[attr-defined]
            assert "100 %" in progress.inner_text()
            # at 1366x768 the storyboard starts on the first screen, under the player
            strip_top = page.locator("[data-testid=strip]").bounding_box()["y"]  # type: ignore[attr-defined]
            assert strip_top < 768, strip_top
            screenshot(page, "04-review-first-cut-1366x768", full_page=False)
            page.locator("[data-testid=strip] img.thumb[src*='sig=']").first.wait_for()  # type: ignore[attr-defined]
            assert "sig=" in (page.locator("[data-testid=video]").get_attribute("src") or "")  # type: ignore[attr-defined]

            first = httpx.get(
                f"{base}/v1/jobs/{job_id}/timeline?revision=1", headers=headers, timeout=30
            ).json()["timeline"]
            segments = first["segments"]
            index = 0  # the headline's segment
            market = next(s for s in segments if s["shot"] and s["shot"]["path"].endswith("market.mp4"))
            m = market["index"]
            assert m != index and segments[index]["shot"]
            pending = page.locator("[data-testid=pending-edits]")  # type: ignore[attr-defined]

            # keyboard: an alternative is reachable and pressable without a mouse (then undone)
            if segments[index]["alternatives"]:
                page.focus(f"[data-testid=alt-{index}-0]")  # type: ignore[attr-defined]
                page.keyboard.press("Enter")  # type: ignore[attr-defined]
                assert f"#{index + 1}: show shot" in pending.inner_text()
                page.locator("body").click(position={"x": 5, "y": 5})  # type: ignore[attr-defined]
                page.keyboard.press("Control+z")  # type: ignore[attr-defined]
                assert pending.locator("li").count() == 0

            # the market shot is in use in segment m: search finds it, says so, and exchanges the two shots
            page.fill(f"[data-testid=search-{index}]", "Shoppers buy fruit at an open-air market")  # type: ignore[attr-defined]
            page.press(f"[data-testid=search-{index}]", "Enter")  # type: ignore[attr-defined]
            exchange = page.locator(f"[data-testid=exchange-{index}-{m}]").first  # type: ignore[attr-defined]
            exchange.wait_for()
            assert (
                f"in use: #{m + 1}"
                in page.locator(f"[data-testid=segment-{index}] [data-testid=in-use]").first.inner_text()
            )  # type: ignore[attr-defined]
            # a hit's preview plays the part it would show, in place of its picture, without swapping it in
            hits = page.locator(f"[data-testid=segment-{index}] .search-results")  # type: ignore[attr-defined]
            hits.locator("[data-testid=preview-btn]").first.click()
            played = hits.locator("[data-testid=choice-preview][src*='preview.mp4']").first
            played.wait_for()
            assert "start=" in (played.get_attribute("src") or "")
            assert pending.locator("li").count() == 0
            exchange.focus()
            page.keyboard.press("Enter")  # type: ignore[attr-defined]
            assert pending.locator("li").count() == 2
            page.locator(f"[data-testid=pending-picture-{index}]").wait_for()  # type: ignore[attr-defined]
            page.locator(f"[data-testid=pending-picture-{m}]").wait_for()  # type: ignore[attr-defined]
            screenshot(page, "05-review-exchange-pending")
            page.locator("body").click(position={"x": 5, "y": 5})  # type: ignore[attr-defined]
            page.keyboard.press("Control+z")  # type: ignore[attr-defined]
            assert pending.locator("li").count() == 0
            assert page.locator(f"[data-testid=pending-picture-{index}]").count() == 0  # type: ignore[attr-defined]
            page.keyboard.press("Control+Shift+z")  # type: ignore[attr-defined]
            assert pending.locator("li").count() == 2

            # trim with the control bounded by the shot (locators: the CSP forbids evaluated predicates)
            other = min(
                (s for s in segments if s["shot"] and s["index"] not in (index, m)),
                key=lambda s: s["end"] - s["start"],
            )
            j = other["index"]
            page.click(f"[data-testid=trim-{j}] summary")  # type: ignore[attr-defined]
            slider = page.locator(f"[data-testid=trim-slider-{j}]:not([disabled])")  # type: ignore[attr-defined]
            slider.wait_for()
            low, high = float(slider.get_attribute("min")), float(slider.get_attribute("max"))
            assert low < high
            slider.fill(str(low))
            page.locator(f"[data-testid=trim-frame-{j}][src*='?at=']").wait_for()  # type: ignore[attr-defined]
            page.click(f"[data-testid=trim-add-{j}]")  # type: ignore[attr-defined]
            pending.locator("li", has_text=f"#{j + 1}: use the shot from").wait_for()

            # re-voice the last sentence
            last = segments[-1]["index"]
            rewritten = "In the evening, fans sang in the stadium as the home team won the cup."
            page.fill(f"[data-testid=segment-{last}] input[aria-label=sentence]", rewritten)  # type: ignore[attr-defined]
            page.click(f"[data-testid=segment-{last}] >> text=Re-voice")  # type: ignore[attr-defined]
            assert pending.locator("li").count() == 4
            page.click("[data-testid=save-edits]")  # type: ignore[attr-defined]
            page.locator("[data-testid=revision-row][data-number='2'][data-status='draft']").wait_for()  # type: ignore[attr-defined]
            note = page.locator("[data-testid=player-note]")  # type: ignore[attr-defined]
            assert "Revision 2 is not rendered yet" in note.inner_text()
            page.click("[data-testid=render-btn]")  # type: ignore[attr-defined]
            page.locator("[data-testid=revision-row][data-number='2'][data-status='rendered']").wait_for(  # type: ignore[attr-defined]
                timeout=400_000
            )
            page.locator("[data-testid=video][data-revision='2']").wait_for()  # type: ignore[attr-defined]
            assert page.locator("[data-testid=player-note]").count() == 0  # type: ignore[attr-defined]
            screenshot(page, "06-review-rerendered")
            # player and storyboard as one: a click on a card's sentence seeks there and lights the card
            second = httpx.get(
                f"{base}/v1/jobs/{job_id}/timeline?revision=2", headers=headers, timeout=30
            ).json()["timeline"]
            page.click(f"[data-testid=segment-{m}] .sentence")  # type: ignore[attr-defined]
            page.locator(f"[data-testid=segment-{m}].current").wait_for()  # type: ignore[attr-defined]
            now = page.evaluate("document.querySelector('[data-testid=video]').currentTime")  # type: ignore[attr-defined]
            assert abs(float(now) - second["segments"][m]["start"]) < 0.5
            # it plays: the card click started playback from there; K pauses and plays again, and the play
            # head moves on through the new revision
            paused = "document.querySelector('[data-testid=video]').paused"
            page.evaluate("document.activeElement.blur()")  # type: ignore[attr-defined]
            before_k = bool(page.evaluate(paused))  # type: ignore[attr-defined]
            page.keyboard.press("k")  # type: ignore[attr-defined]
            assert bool(page.evaluate(paused)) != before_k  # type: ignore[attr-defined]
            if page.evaluate(paused):  # type: ignore[attr-defined]
                page.keyboard.press("k")  # type: ignore[attr-defined]
            start_t = float(page.evaluate("document.querySelector('[data-testid=video]').currentTime"))  # type: ignore[attr-defined]
            page.wait_for_timeout(1500)  # type: ignore[attr-defined]
            later = float(page.evaluate("document.querySelector('[data-testid=video]').currentTime"))  # type: ignore[attr-defined]
            assert later > start_t + 0.5, (start_t, later)
            page.keyboard.press("k")  # type: ignore[attr-defined]
            assert page.evaluate(paused)  # type: ignore[attr-defined]
            row = "[data-testid=revision-row][data-number='2']"
            page.click(f"{row} [data-testid=approve-btn]")  # type: ignore[attr-defined]
            page.locator(f"{row} [data-testid=final-badge]").wait_for()  # type: ignore[attr-defined]
            page.click(f"{row} [data-testid=unapprove-btn]")  # type: ignore[attr-defined]
            page.locator(f"{row} [data-testid=approve-btn]").wait_for()  # type: ignore[attr-defined]
            page.click(f"{row} [data-testid=approve-btn]")  # type: ignore[attr-defined]
            page.locator(f"{row} [data-testid=final-badge]").wait_for()  # type: ignore[attr-defined]
            download = page.locator("[data-testid=download]")  # type: ignore[attr-defined]
            assert download.get_attribute("download") == "a-busy-weekend-in-town-r2.mp4"
            fetched = httpx.get(f"{base}{download.get_attribute('href')}", timeout=60)  # signed: no key
            assert fetched.status_code == 200 and b"ftyp" in fetched.content[:64]
            screenshot(page, "07-review-approved")
            assert _axe_violations(page) == []
            page.set_viewport_size({"width": 390, "height": 844})  # type: ignore[attr-defined]
            assert _no_sideways_overflow(page)
            screenshot(page, "08-review-phone-390")
            page.goto(f"{base}/editor/#/")  # type: ignore[attr-defined]
            page.locator("[data-testid=job-row]", has_text="A busy weekend in town").first.wait_for()  # type: ignore[attr-defined]
            assert _no_sideways_overflow(page)
            screenshot(page, "09-jobs-phone-390")
            assert _axe_violations(page) == []
            assert errors == []
            assert refused == []

        by_index = {s["index"]: s for s in second["segments"]}
        shots = {i: (s["shot"] or {}).get("shot_id") for i, s in by_index.items()}
        assert shots[index] == market["shot"]["shot_id"]
        assert shots[m] == segments[index]["shot"]["shot_id"]
        assert by_index[j]["shot"]["in"] == pytest.approx(low, abs=0.05)
        assert all(
            shots[i] == (s["shot"] or {}).get("shot_id")
            for i, s in enumerate(segments)
            if i not in (index, m)
        )
        assert rewritten in by_index[last]["sentence"]
        revisions = httpx.get(f"{base}/v1/jobs/{job_id}/revisions", headers=headers, timeout=30).json()
        assert [(r["number"], r["status"], r["approved"]) for r in revisions] == [
            (1, "rendered", False),
            (2, "rendered", True),
        ]

        # the new video shows the market where segment `index` is: its frame is closer to the market
        # shot's source frame than to the old shot's
        new_video, old_video = tmp_path / "r2.mp4", tmp_path / "r1.mp4"
        new_video.write_bytes(
            httpx.get(f"{base}/v1/jobs/{job_id}/video.mp4?revision=2", headers=headers, timeout=60).content
        )
        old_video.write_bytes(
            httpx.get(f"{base}/v1/jobs/{job_id}/video.mp4?revision=1", headers=headers, timeout=60).content
        )
        swapped = by_index[index]
        middle = (swapped["start"] + swapped["end"]) / 2

        def source_frame(segment: dict[str, Any]) -> np.ndarray:
            shot = segment["shot"]
            path = Path(str(shot["path"]))
            path = path if path.is_absolute() else library / path
            return _gray_frame(path, float(shot["in"]) + (middle - segment["start"]) * float(shot["speed"]))

        frame = _gray_frame(new_video, middle)
        to_new = float(np.abs(frame - source_frame(swapped)).mean())
        to_old = float(np.abs(frame - source_frame(segments[index])).mean())
        assert to_new < to_old, (to_new, to_old)
        assert float(np.abs(frame - _gray_frame(old_video, middle)).mean()) > 1.0  # the picture changed


@pytest.mark.reliability
def test_the_player_renews_an_expired_signed_link(tmp_path: Path) -> None:
    """Issue 10: media links are signed and short-lived; a player left open past their expiry asks for fresh
    links when it fails to load, instead of staying broken (links live 10 s here)."""
    library = tmp_path / "library"
    library.mkdir()
    env = service_env(
        tmp_path / "data", library, MONTAGE_SERVICE_EMBEDDED_WORKERS="0", MONTAGE_SERVICE_MEDIA_URL_TTL_S="10"
    )
    key = create_key(env, "submit", "edit")
    settings = Settings(data_dir=tmp_path / "data", library_roots=[library])
    job_id = publish_video_job(settings, owner=key_id(settings, key), article="# Harbour\n\nBoats.")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(env, port, tmp_path / "serve.log")
    try:
        with chromium_page() as page:
            page.goto(f"{base}/editor/")  # type: ignore[attr-defined]
            page.fill("#api-key", key)  # type: ignore[attr-defined]
            page.click("#key-form button")  # type: ignore[attr-defined]
            page.goto(f"{base}/editor/#/jobs/{job_id}")  # type: ignore[attr-defined]
            player = page.locator("[data-testid=video][src*='sig=']")  # type: ignore[attr-defined]
            player.wait_for()
            first = player.get_attribute("src")
            assert httpx.get(f"{base}{first}", timeout=30).status_code == 200
            deadline = time.monotonic() + 30
            while httpx.get(f"{base}{first}", timeout=30).status_code != 401:  # the link expires
                assert time.monotonic() < deadline, "the signed link never expired"
                time.sleep(0.5)
            # the expired link, its query reordered (the same signature) so the browser's media cache cannot
            # answer it: the player must fetch it, be refused, and renew it
            path, query = str(first).split("?")
            expired = f"{path}?{'&'.join(reversed(query.split('&')))}"
            assert httpx.get(f"{base}{expired}", timeout=30).json()["error"]["code"] == "invalid_signature"
            page.evaluate(  # type: ignore[attr-defined]
                "(url) => { document.querySelector('[data-testid=video]').src = url; }", expired
            )
            video = page.locator("[data-testid=video]")  # type: ignore[attr-defined]
            deadline = time.monotonic() + 30  # polled: the editor's CSP forbids evaluated wait predicates
            while video.get_attribute("src") in (first, expired):
                assert time.monotonic() < deadline, "the player never asked for a fresh link"
                time.sleep(0.2)
            renewed = video.get_attribute("src")
            assert httpx.get(f"{base}{renewed}", timeout=30).status_code == 200
    finally:
        server.stop()
