"""``python -m bench``: a name it does not know, or --help, gets a line saying what there is (not a traceback)."""

from __future__ import annotations

import pytest

from bench.__main__ import main


def test_an_unknown_benchmark_gets_one_line_naming_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--nosuch"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no benchmark '--nosuch'" in err and "doctor_latency" in err
    assert "latency_proxy" not in err  # a helper of the benchmarks, not one


def test_help_lists_the_benchmarks_and_runs_none(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "python -m bench" in out and "fleet_sweep" in out and "== bench." not in out
