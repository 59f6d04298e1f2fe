"""A lesson presented as slides inside JupyterLab (jupyterlab-rise), as a mentor does while screen-sharing.

The lesson's slide metadata (``o2gmentor slides``) must give a deck: RISE's preview opens in a JupyterLab panel,
the first slide shows the lesson's title, and moving on shows the next section. Headless Debian Chromium via
Playwright, JupyterLab from ``test_lab_widgets``'s fixture; a screenshot goes to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import shutil
import time

import pytest

from tests.browser.test_lab_widgets import ARTIFACTS, WAIT_MS, lab, launch_chromium, simulator  # noqa: F401 - fixtures
from tests.notebooks.runner import ROOT

LESSON = "00-start-here.ipynb"
pytestmark = pytest.mark.timeout(300)


def test_a_lesson_opens_as_a_slide_deck_with_rise(lab):  # noqa: F811 - the fixture
    from playwright.sync_api import expect, sync_playwright

    base, root = lab
    shutil.copyfile(ROOT / "notebooks" / LESSON, root / LESSON)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            page.set_default_timeout(WAIT_MS)
            page.goto(f"{base}/lab/tree/{LESSON}?reset")
            page.wait_for_function(
                """path => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                             return !!(w && w.context && w.context.path === path && w.context.isReady); }""",
                arg=LESSON, timeout=60_000)
            commands = page.evaluate("window.jupyterapp.commands.listCommands()")
            assert "RISE:preview" in commands, "jupyterlab-rise is not installed in JupyterLab"
            page.evaluate("window.jupyterapp.commands.execute('RISE:preview')")
            deck = page.frame_locator("iframe").first
            title = deck.locator(".reveal .slides section.present").first
            expect(title).to_contain_text("Start here", timeout=60_000)
            time.sleep(1.0)
            page.screenshot(path=ARTIFACTS / "slides-lesson-00.png")
            deck.locator(".reveal").first.press("ArrowRight")
            expect(deck.locator(".reveal .slides section.present").first).not_to_contain_text("Start here")
        finally:
            browser.close()
