"""Issue 9 bugs in real Chromium: pending edits are not lost without a prompt (leaving the page, reloading or
closing it) and adding an edit keeps the storyboard where the editor scrolled it."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.service.browser import chromium_page
from tests.service.processes import wait_for_job
from tests.service.served_library import served_indexed_library

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ARTICLE = """# Market day

Fishing boats returned to the small harbour at dawn with a record catch.

At the open-air market, shoppers bought fruit from the farms nearby.

In the evening, football fans cheered in the stadium as the home team won.

A chef chopped vegetables in a busy restaurant kitchen.
"""


def test_pending_edits_need_a_confirmation_to_be_lost_and_edits_keep_the_scroll(tmp_path: Path) -> None:
    with served_indexed_library(tmp_path) as served:
        base, key, headers, server = served.base, served.key, served.headers, served.server
        job = httpx.post(f"{base}/v1/videos", json={"article": ARTICLE}, headers=headers, timeout=30).json()
        assert wait_for_job(base, job["id"], timeout=400, procs=[server], key=key)["status"] == "succeeded"
        with chromium_page() as page:
            errors: list[str] = []
            dialogs: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))  # type: ignore[attr-defined]
            page.set_viewport_size({"width": 900, "height": 900})  # type: ignore[attr-defined]
            page.goto(f"{base}/editor/")  # type: ignore[attr-defined]
            page.fill("#api-key", key)  # type: ignore[attr-defined]
            page.click("#key-form button")  # type: ignore[attr-defined]
            page.goto(f"{base}/editor/#/jobs/{job['id']}")  # type: ignore[attr-defined]
            page.locator("[data-testid=strip]").wait_for()  # type: ignore[attr-defined]
            pending = page.locator("[data-testid=pending-edits] li")  # type: ignore[attr-defined]

            # the storyboard keeps its scroll when an edit re-draws the page (the button is pressed from
            # script: Playwright's own click would first scroll it into view)
            page.fill("[data-testid=segment-0] input[aria-label=sentence]", "Market day in town.")  # type: ignore[attr-defined]
            page.evaluate("document.querySelector('.strip').scrollLeft = 300")  # type: ignore[attr-defined]
            before = float(page.evaluate("document.querySelector('.strip').scrollLeft"))  # type: ignore[attr-defined]
            assert before > 50  # the strip is wider than the window
            page.locator("[data-testid=segment-0] >> text=Re-voice").evaluate("button => button.click()")  # type: ignore[attr-defined]
            assert pending.count() == 1
            scrolled = page.evaluate("document.querySelector('.strip').scrollLeft")  # type: ignore[attr-defined]
            assert abs(float(scrolled) - before) < 2, (scrolled, before)

            # leaving for the jobs list asks; "stay" keeps the page and the edit
            def dismiss(dialog: object) -> None:
                dialogs.append(f"{dialog.type}: {dialog.message}")  # type: ignore[attr-defined]
                dialog.dismiss()  # type: ignore[attr-defined]

            page.on("dialog", dismiss)  # type: ignore[attr-defined]
            page.click("nav >> text=Jobs")  # type: ignore[attr-defined]
            page.wait_for_timeout(300)  # type: ignore[attr-defined]
            assert dialogs and "Discard 1 unsaved edit" in dialogs[-1]
            assert page.url.endswith(f"#/jobs/{job['id']}") and pending.count() == 1  # type: ignore[attr-defined]
            # closing or reloading the tab asks too (the browser's own beforeunload prompt)
            page.close(run_before_unload=True)  # type: ignore[attr-defined]
            page.wait_for_timeout(500)  # type: ignore[attr-defined]
            assert any(d.startswith("beforeunload") for d in dialogs), dialogs
            assert not page.is_closed() and pending.count() == 1  # type: ignore[attr-defined]
            assert errors == []
