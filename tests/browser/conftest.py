"""Browser tests: Debian's Chromium through pytest-playwright, against a live server on the
test database (the session ``app``), served by werkzeug in a thread.  Never ``playwright install``."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {"executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_server(app):
    """The app on a free port for the whole session; the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: Playwright's sync API keeps an event loop running in the main
    thread for the rest of the session, and code that calls ``asyncio.run`` (PDF signing)
    would fail in any test after them.  pytest-xdist hands tests to its workers in this order
    (``make test`` passes ``--no-loadscope-reorder``), so each worker runs them last too."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


AXE = Path(__file__).resolve().parents[2] / "vendor" / "node_modules" / "axe-core" / "axe.min.js"


def axe_serious(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each (rule: targets).
    The installed package is read as a file and evaluated in the page (never copied into the
    repository, and not fetched as a script, so the page's strict CSP does not stand in the way)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    return page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))")


def assert_accessible(page) -> None:
    """No serious or critical accessibility violation on the page."""
    found = axe_serious(page)
    assert found == [], found


def assert_fits(page, width: int) -> None:
    """At ``width`` px the page does not scroll sideways and no table cell lies (even partly)
    outside the window, hidden in a table's own scroll box: every column can be read."""
    page.set_viewport_size({"width": width, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    outside = page.evaluate(
        "w => Array.from(document.querySelectorAll('main td, main th'))"
        ".filter(c => { const r = c.getBoundingClientRect(), head = c.closest('thead');"
        "  if (head && head.getBoundingClientRect().width <= 1) return false;"  # a stacked table's hidden header
        "  return r.width > 0 && (r.left < -1 || r.right > w + 1); })"
        ".map(c => (c.closest('table').id || 'table') + ': ' + c.textContent.trim().slice(0, 30))", width)
    assert outside == [], (page.url, outside)
