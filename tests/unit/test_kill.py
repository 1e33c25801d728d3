"""An import killed (SIGKILL) at random moments around its commit never leaves the figures wrong once the
database is opened again: each reopen repairs what a torn write left and passes invariants.check."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "kill_bench.py"


@pytest.mark.timeout(600)  # each kill starts a process: on a loaded machine several seconds each
def test_kills_during_the_commit_leave_nothing_broken_after_reopening(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("kill_bench", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    counts = bench.kill_loop(units=100, kills=6, seed=11, work=tmp_path)
    assert counts["committed"] + counts["nothing"] == 6
    assert counts["broken"] == 0
