"""The read copy of the lake (reform.readcopy) is for the lake only: a file is read directly. The copy's
behaviour on a lake is tested in test_lake.py (beside the other lake tests: one PostgreSQL on its port)."""

from __future__ import annotations

from pathlib import Path

from reform import readcopy


def test_a_file_is_read_directly_with_no_copy(tmp_path: Path) -> None:
    import ui

    assert ui._read_copies(str(tmp_path / "reform.duckdb")) is None
    assert isinstance(ui._read_copies("ducklake:postgres:dbname=x host=127.0.0.1"), readcopy.ReadCopies)
