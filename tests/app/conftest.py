"""Open a page of the app under AppTest on a given database."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def open_page(monkeypatch: pytest.MonkeyPatch):
    """open_page(db, "pages/x.py") -> AppTest that has run that page on that database."""

    def _open(db: Path, page: str) -> AppTest:
        monkeypatch.setenv("REFORM_DB", str(db))
        monkeypatch.setenv("REFORM_AUTO_DEMO", "0")
        monkeypatch.setenv("REFORM_AUTH", "off")  # sign-in has its own tests (test_sign_in.py, browser)
        at = AppTest.from_file(str(PROJECT / "dashboard.py"), default_timeout=60)
        at.run()
        at.switch_page(page).run()
        return at

    return _open
