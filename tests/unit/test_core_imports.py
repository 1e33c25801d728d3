"""The core never depends on the UI: no module of reform/ imports streamlit, directly or not."""

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "reform"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_core_file_imports_streamlit() -> None:
    files = sorted(CORE.rglob("*.py"))
    assert len(files) >= 8
    offenders = [f.name for f in files if "streamlit" in imported_modules(f)]
    assert offenders == []


def test_importing_the_whole_core_loads_no_streamlit() -> None:
    modules = [f"reform.{f.stem}" for f in CORE.glob("*.py") if f.stem not in {"__init__", "__main__"}]
    code = f"import sys; import {', '.join(modules)}; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=CORE.parent)
    assert out.stdout.strip() == "False"
