"""`python -m reform brief`: the deck as PowerPoint or PDF, its figures as JSON that agree with `summary`."""

import json
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from reform import fmt
from tests.unit.test_cli import reform


@pytest.fixture
def db(demo_db: Path) -> str:
    return str(demo_db)


def test_the_deck_as_powerpoint_with_its_figures_as_json(db: str, tmp_path: Path) -> None:
    out = tmp_path / "giao_ban.pptx"
    run = reform("brief", "--db", db, "--period", "2025-Q3", "--out", str(out), "--json")
    assert run.returncode == 0, run.stderr
    deck = json.loads(run.stdout)
    assert [s["key"] for s in deck["slides"]][:2] == ["overview", "group"] and len(deck["slides"]) == 10
    prs = Presentation(str(out))
    assert len(prs.slides) == 11  # the cover and ten slides
    summary = json.loads(reform("summary", "--db", db, "--period", "2025-Q3", "--json").stdout)
    figures = {r["indicator_code"]: r for r in summary["indicators"]}
    overview = deck["slides"][0]
    kt = figures["kt_tcd"]
    assert (
        f"kiểm tra {fmt.number(kt['value'])} tổ chức đảng, tăng {fmt.number(kt['change_pct'], 1)}%"
        in (overview["sentences"][0])
    )
    bars = dict(zip(overview["chart"]["categories"], overview["chart"]["series"][0]["values"], strict=True))
    assert bars["Tổ chức đảng được kiểm tra"] == round(kt["change_pct"], 1)


def test_the_deck_as_pdf(db: str, tmp_path: Path) -> None:
    out = tmp_path / "giao_ban.pdf"
    run = reform("brief", "--db", db, "--period", "2025-9M", "--out", str(out))
    assert run.returncode == 0, run.stderr
    pages = PdfReader(str(out)).pages
    assert len(pages) == 11
    assert "9 tháng năm 2025" in pages[1].extract_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2025-Q3", "--out", "x.docx"], ".pptx hoặc .pdf"),
        (["--period", "2025-Q3"], "--out"),
        (["--out", "x.pptx"], "--period"),
        (["--period", "3/2025", "--json"], "tháng"),
        (["--period", "2025-Q3", "--unit", "KHONG_CO", "--json"], "KHONG_CO"),
        (["--deck", "Không có bài này", "--json"], "Không có bài trình chiếu"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(db: str, tmp_path: Path, args: list[str], message: str) -> None:
    run = reform("brief", "--db", db, *args)
    assert run.returncode == 2
    assert message in run.stderr
    assert not (tmp_path / "x.pptx").exists()


def test_brief_official_counts_approved_values_only(db: str) -> None:
    for action in ("submit", "approve"):
        assert reform(action, "--db", db, "--unit", "XP01", "--period", "2025-Q3").returncode == 0
    run = reform("brief", "--db", db, "--period", "2025-Q3", "--official", "--json")
    assert run.returncode == 0, run.stderr
    deck = json.loads(run.stdout)
    assert deck["official"] is True and "số liệu chính thức" in deck["footer"]
    summary = json.loads(reform("summary", "--db", db, "--period", "2025-Q3", "--official", "--json").stdout)
    kt = {r["indicator_code"]: r for r in summary["indicators"]}["kt_tcd"]
    assert f"kiểm tra {fmt.number(kt['value'])} tổ chức đảng" in deck["slides"][0]["sentences"][0]
    working = json.loads(reform("brief", "--db", db, "--period", "2025-Q3", "--json").stdout)
    assert working["official"] is False and deck["slides"][0] != working["slides"][0]
