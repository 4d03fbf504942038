"""One-key fixes: plan exactly, confirm, apply, audit, undo."""
