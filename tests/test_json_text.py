"""JSON on screen: Japanese readable as written, terminal-active and disguising characters escaped."""

from __future__ import annotations

import json

from tui.app.json_text import readable_json


def test_japanese_text_is_shown_as_written() -> None:
    shown = readable_json({"title": "アクセス許可の境界でランタイムの操作を許可"})
    assert "アクセス許可の境界" in shown and "\\u30a2" not in shown


def test_controls_bidi_overrides_and_separators_stay_escaped() -> None:
    value = {"evil": "a\x1b[2Jb\x9b31mc\u202etxt.exe\u2028d\x07", "emoji": "ok 🙂", "astral": "\U000e0041"}
    shown = readable_json(value)
    for raw in ("\x1b", "\x9b", "\u202e", "\u2028", "\x07", "\U000e0041"):
        assert raw not in shown, repr(raw)
    for escaped in ("\\u001b", "\\u009b", "\\u202e", "\\u2028", "\\u0007", "\\udb40\\udc41"):
        assert escaped in shown, escaped
    assert "🙂" in shown
    assert json.loads(shown) == value  # still JSON, the same value
