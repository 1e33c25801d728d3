"""REFORM_AUTH: "oidc", "off", or unset (then the app decides: off only on the demo database)."""

from __future__ import annotations

import pytest

from reform.config import settings


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, ""), ("off", "off"), (" OFF ", "off"), ("oidc", "oidc"), ("yes", "oidc"), ("", "")],
)
def test_anything_but_off_asks_for_sign_in(monkeypatch: pytest.MonkeyPatch, value: str | None, expected: str) -> None:
    if value is None:
        monkeypatch.delenv("REFORM_AUTH", raising=False)
    else:
        monkeypatch.setenv("REFORM_AUTH", value)
    assert settings().auth == expected
