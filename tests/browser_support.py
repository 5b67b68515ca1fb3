"""Helpers for driving the dashboard in a real browser (``tests/test_browser.py``) and for the
page list the benchmark shares (``bench/bench_dashboard.py``).

* :func:`page_entries` lists the router's pages (``dashboard.navigation``), so a page added there is
  opened by the browser test and measured by the benchmark without editing either.
* :class:`StreamlitServer` runs ``streamlit run dashboard/streamlit_app.py`` on a free port
  against one warehouse and stops it (terminate, then kill) whatever happens.
* :func:`settle`, :func:`full_page_screenshot`, :func:`nav_links`, :func:`read_csv` wait for
  and read what Streamlit draws. Waits are conditions on the page (script state, URL, text),
  never fixed sleeps.
"""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard import navigation

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "streamlit_app.py"

# Debian's Chromium, installed by .ci/run with apt-get; Playwright never downloads its own.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A page is drawn when the app is connected, its script has run (the main area has elements:
# right after connecting the state reads "notRunning" before the first run starts) and is not
# running, no element is still a skeleton (Streamlit loads the code of metrics, charts and
# tables lazily and shows a skeleton meanwhile), and every Plotly chart has its SVG.
_DRAWN = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.dataset.testConnectionState !== 'CONNECTED'
        || app.dataset.testScriptState !== 'notRunning') return false;
    if (!document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]')
        || document.querySelector('[data-testid="stSkeleton"]')) return false;
    return [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
        .every(e => e.querySelector('.main-svg'));
}"""
_PLOTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .every(e => e.querySelector('.main-svg'))"""


@dataclass(frozen=True)
class PageEntry:
    """One page of the router: its script (relative to dashboard/) and URL path."""

    script: str
    url_path: str  # "" for the default page

    @property
    def name(self) -> str:
        return Path(self.script).stem


def page_entries() -> list[PageEntry]:
    """The router's pages (``dashboard.navigation``), in navigation order."""
    return [PageEntry(spec.script, spec.url_path) for spec in navigation.pages()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class StreamlitServer:
    """``streamlit run`` of the dashboard on a free port, reading the warehouse ``db``."""

    def __init__(self, db: Path, log: Path) -> None:
        self.db = db
        self.log = log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 90) -> None:
        env = {**os.environ, "FAPIAO_WATCH_DB": str(self.db)}
        cmd = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(APP),
            "--server.headless=true",
            f"--server.port={self.port}",
            "--server.address=127.0.0.1",
            "--server.fileWatcherType=none",
            "--browser.gatherUsageStats=false",
            "--client.toolbarMode=viewer",  # no "Deploy" button in the screenshots
        ]
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out)
        self._wait_healthy(timeout_s)

    def _wait_healthy(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200 and r.read().strip() == b"ok":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit not healthy after {timeout_s:.0f} s:\n{self.tail()}")
            time.sleep(0.2)  # polling the health endpoint: there is nothing to wait on instead

    def tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=15)


def settle(page: Any, timeout_ms: float = 90_000) -> None:
    """Wait until the script run has finished and the charts are drawn."""
    page.wait_for_function(_DRAWN, timeout=timeout_ms)


def exceptions(page: Any) -> list[str]:
    """Texts of Streamlit exception boxes on the page."""
    return list(page.locator("[data-testid='stException']").all_inner_texts())


def nav_links(page: Any) -> list[tuple[str, str]]:
    """(href, label) of every sidebar navigation link, expanding a collapsed list first."""
    more = page.locator("[data-testid='stSidebarNavViewButton']")
    links = page.locator("[data-testid='stSidebarNavLink']")
    if more.count() and "more" in more.inner_text().lower():
        count = links.count()
        more.click()
        page.wait_for_function(
            f"() => document.querySelectorAll('[data-testid=stSidebarNavLink]').length > {count}"
        )
    out = []
    for link in links.all():
        label = link.locator("span").last.inner_text().strip()
        out.append((str(link.get_attribute("href")), label))
    return out


def full_page_screenshot(page: Any, path: Path) -> None:
    """The whole page: Streamlit scrolls inside ``stMain``, so the viewport is made as tall as
    the content for the shot, then restored."""
    size = page.viewport_size
    height = page.evaluate(
        """() => Math.max(...['stMain', 'stSidebarContent'].map(id => {
            const e = document.querySelector(`[data-testid="${id}"]`);
            return e ? e.scrollHeight : 0; }))"""
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], int(height))})
    try:
        page.wait_for_function(_PLOTS_DRAWN)
        page.screenshot(path=str(path), full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(size)


def read_csv(data: bytes) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a downloaded CSV (UTF-8 with BOM)."""
    assert data.startswith(b"\xef\xbb\xbf"), "CSV export should start with a UTF-8 BOM for Excel"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return rows[0], rows[1:]
