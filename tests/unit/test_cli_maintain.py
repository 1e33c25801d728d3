"""`python -m reform maintain` on the embedded file (the lake's maintenance is tested in test_lake.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from reform import db

PROJECT = Path(__file__).resolve().parents[2]


def test_maintain_on_the_file_is_a_checkpoint(tmp_path) -> None:
    path = tmp_path / "f.duckdb"
    db.connect(path).close()
    run = subprocess.run(
        [sys.executable, "-m", "reform", "maintain", "--db", str(path), "--json"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0 and json.loads(run.stdout) == {"engine": "file", "checkpoint": True}
