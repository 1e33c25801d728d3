"""Settings are read from the environment at each call (kept per set of variables, never stale)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reform.config import DEFAULT_DB, settings
from reform.texts import t


def test_settings_follow_each_change_of_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("REFORM_DB", raising=False)
    monkeypatch.delenv("REFORM_LANG", raising=False)
    monkeypatch.delenv("REFORM_MAX_UPLOAD_MB", raising=False)
    assert settings().db_path == DEFAULT_DB.resolve() and settings().lang == "vi"
    default_bytes = settings().max_upload_bytes
    monkeypatch.setenv("REFORM_DB", str(tmp_path / "a.duckdb"))
    assert settings().db_path == tmp_path / "a.duckdb"
    monkeypatch.setenv("REFORM_DB", str(tmp_path / "b.duckdb"))
    assert settings().db_path == tmp_path / "b.duckdb"
    monkeypatch.setenv("REFORM_MAX_UPLOAD_MB", "3")
    assert settings().max_upload_bytes == 3 * 1024 * 1024 != default_bytes
    vi = t("app_title")
    monkeypatch.setenv("REFORM_LANG", "en")
    assert settings().lang == "en" and t("app_title") != vi
    monkeypatch.setenv("REFORM_LANG", "")
    assert settings().lang == "vi" and t("app_title") == vi


def test_a_relative_path_resolves_against_the_working_folder_of_the_call(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("REFORM_DB", "rel.duckdb")
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    monkeypatch.chdir(tmp_path / "x")
    assert settings().db_path == tmp_path / "x" / "rel.duckdb"
    monkeypatch.chdir(tmp_path / "y")
    assert settings().db_path == tmp_path / "y" / "rel.duckdb"
