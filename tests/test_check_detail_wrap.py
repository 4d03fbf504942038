"""Check details: long evidence wraps instead of being cut at the edge (issue 11 §5)."""

from __future__ import annotations

from test_app_support import screen_text
from textual.app import App, ComposeResult

from tui.app.check_detail import CheckDetail
from tui.results import CheckResult, Status

TAIL = "END-OF-THE-LONG-EVIDENCE-VALUE"


class DetailApp(App[None]):
    def compose(self) -> ComposeResult:
        yield CheckDetail("", id="detail")


async def test_long_evidence_wraps() -> None:
    result = CheckResult(status=Status.FAIL, summary="bad", evidence={"url": "https://example.com/" + "a" * 150 + TAIL})
    app = DetailApp()
    async with app.run_test(size=(80, 40)) as pilot:
        detail = app.query_one(CheckDetail)
        detail.show("x.check", None, result)
        await pilot.pause()
        await pilot.pause()
        assert TAIL in screen_text(app).replace("\n", "")
