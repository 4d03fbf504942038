"""``python -m tui`` runs the ``agentcore-triage`` command line."""

from tui.cli import main

if __name__ == "__main__":  # pragma: no cover - exercised through subprocess tests
    main()
