# ruff: noqa: S101  (test helpers: assert is the point)
"""Helpers shared by the test suites of every app (imported by tests only)."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command, load_command_class

PAGE_KEYS = {"items", "total", "limit", "offset", "has_next", "has_prev"}

# Debian's Chromium, never a downloaded browser; the flags keep it off this machine's closed network.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def assert_error(resp: Any, status: int, code: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """Assert the contract's error envelope with this status and code; return its ``error``."""
    assert resp.status_code == status, resp.content
    body = resp.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    if details is not None:
        assert body["error"]["details"] == details
    return body["error"]


def run_command(*args: Any, **kwargs: Any) -> tuple[str, str]:
    """``call_command`` as an operator would run it; returns (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


def assert_command_help(app_label: str, name: str) -> None:
    """The command lives in ``app_label`` and explains itself and its options in ``--help``."""
    command = load_command_class(app_label, name)
    assert len(command.help) > 40
    assert "--" in command.create_parser("manage.py", name).format_help()


# --- accessibility (axe-core, bundled by axe-playwright-python: nothing is fetched at test time) ---
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Any, where: str) -> list[str]:
    """Run axe-core's WCAG 2.1 AA rules on the page as it is now; one line per violating node."""
    from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]  # no py.typed
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    # Colours change with CSS transitions (Django admin's links take 0.15 s after a colour-scheme
    # switch): judge them once they settle, or axe reads a colour halfway between the two themes.
    # Bounded: a page that keeps transitioning (bars growing as votes arrive) is judged as it is.
    try:
        page.wait_for_function(
            "() => document.getAnimations().every("
            "(a) => !(a instanceof CSSTransition) || a.playState !== 'running')",
            timeout=2000,
        )
    except PlaywrightTimeout:
        pass
    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}, "resultTypes": ["violations"]}
    )
    lines = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            why = "; ".join(
                line.strip()
                for line in (node.get("failureSummary") or "").splitlines()
                if line.strip() and not line.startswith("Fix ")
            )
            lines.append(
                f"{where}: {violation['id']} ({violation['impact']}) at {node['target']}: {why[:240]}"
            )
    return lines


def assert_axe_clean(page: Any, where: str) -> None:
    """Zero WCAG 2.1 AA violations on the page as it is now (the report names each rule and node)."""
    found = axe_violations(page, where)
    assert not found, "axe-core WCAG 2.1 AA violations:\n" + "\n".join(found)


# --- languages ----------------------------------------------------------------------------------


def translated(language: str, text: str, *, js: bool = False) -> str:
    """``text`` as the catalogs of ``language`` give it: the server's (domain django) or, with
    ``js``, the pages' scripts' (domain djangojs). Asserts it is translated, so a test using it
    fails on a missing entry rather than passing on English."""
    from django.utils.translation.trans_real import DjangoTranslation

    out = DjangoTranslation(language, domain="djangojs" if js else "django").gettext(text)
    assert language == "en" or out != text, f"{text!r} has no {language} translation"
    return out


def translated_plural(language: str, singular: str, plural: str, n: int, *, js: bool = False) -> str:
    """The form of a plural entry for ``n`` in ``language``, placeholders filled with ``n``."""
    from django.utils.translation.trans_real import DjangoTranslation

    out = DjangoTranslation(language, domain="djangojs" if js else "django").ngettext(singular, plural, n)
    assert language == "en" or out not in (singular, plural), f"{plural!r} has no {language} translation"
    return out % {"n": n}


class Clock:
    """A controlled clock for tests of time rules (a self-paced session's opening and closing, a
    per-person time limit): ``timezone.now`` and ``time.time`` both read it, and it moves only
    when told (``advance``, ``set``), so a boundary is hit exactly and no test sleeps."""

    def __init__(self, monkeypatch: Any, start: Any) -> None:
        import time

        from django.utils import timezone

        self.now = start
        monkeypatch.setattr(timezone, "now", lambda: self.now)
        monkeypatch.setattr(time, "time", lambda: self.now.timestamp())

    def set(self, when: Any) -> None:
        self.now = when

    def advance(self, seconds: float) -> None:
        from datetime import timedelta

        self.now = self.now + timedelta(seconds=seconds)
