"""The house habits that a machine can check: ruff's lint rules and its format, over the whole project."""

import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ruff", *args], capture_output=True, text=True, cwd=PROJECT)


def test_the_code_passes_the_lint_rules() -> None:
    out = ruff("check", "--no-cache", ".")
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_code_is_formatted() -> None:
    out = ruff("format", "--check", "--no-cache", ".")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "files already formatted" in out.stdout  # ruff did look at the files
