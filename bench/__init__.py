"""Benchmarks (``python -m bench``); they print numbers and never fail on thresholds."""
