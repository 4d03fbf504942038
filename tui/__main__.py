"""``python -m tui`` runs the ``agentcore-triage`` command line, as the console script does (``tui.cli.entry.run``)."""

from tui.cli.entry import run

if __name__ == "__main__":  # pragma: no cover - exercised through subprocess tests
    run()
