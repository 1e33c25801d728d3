"""Uploads ask the policy: a row for a unit outside the uploader's nhập units is an error of that row
(E_NOT_YOUR_UNIT) and nothing of the file is stored; the upload is the signed-in person's."""

from __future__ import annotations

import duckdb
import pytest

from reform import importer, policy, sql

MIXED = "unit_code,period,indicator_code,value\nH01X01,2025-Q1,kt_tcd,41\nH02,2025-Q1,kt_tcd,7\n"
OWN = "unit_code,period,indicator_code,value\nH01X01,2025-Q1,kt_tcd,41\nH01,2025-Q1,kt_tcd,3\n"


def stored(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("select * from value order by all").fetchall()


@pytest.fixture
def uploader(demo_con: duckdb.DuckDBPyConnection) -> policy.Person:
    policy.grant(demo_con, policy.command_line("kiểm thử"), "nhap.h01@vd.vn", "nhap", "H01")
    return policy.sign_in(demo_con, issuer="https://id.vd.vn", subject="s1", email="nhap.h01@vd.vn", name=None)


@pytest.mark.parametrize("use_bulk", [False, True])
def test_a_row_for_another_unit_refuses_the_whole_file(
    demo_con: duckdb.DuckDBPyConnection, uploader: policy.Person, use_bulk: bool
) -> None:
    before = stored(demo_con)
    prepared = importer.prepare(demo_con, MIXED.encode(), "q3.csv", person=uploader, use_bulk=use_bulk)
    refused = [i for i in prepared.report.errors if i.code == "E_NOT_YOUR_UNIT"]
    assert len(refused) == 1 and "H02" in refused[0].message and "không lưu gì" in refused[0].message
    if not use_bulk:  # the bulk way keeps no rows of the file to point at
        assert refused[0].row == 3
    assert prepared.preview.changes.empty  # nothing of another unit's stored figures is shown
    with pytest.raises(importer.ImportRefused):
        importer.commit(demo_con, prepared, user=uploader.label, person=uploader)
    assert stored(demo_con) == before


def test_a_file_of_ones_own_units_is_stored_as_the_persons_upload(
    demo_con: duckdb.DuckDBPyConnection, uploader: policy.Person
) -> None:
    prepared = importer.prepare(demo_con, OWN.encode(), "q3.csv", person=uploader)
    assert not prepared.report.errors
    result = importer.commit(demo_con, prepared, user=uploader.label, person=uploader)
    owner = sql.run(demo_con, "upload_owner", upload_id=result.upload_id)
    assert owner["person_id"].iloc[0] == uploader.id
    assert policy.may_undo(demo_con, uploader, result.upload_id)
    line = policy.audit(demo_con, action="upload").iloc[0]
    assert (line["actor"], line["target"], line["outcome"]) == ("nhap.h01@vd.vn", str(result.upload_id), "ok")


def test_a_viewer_may_upload_nothing(demo_con: duckdb.DuckDBPyConnection) -> None:
    policy.grant(demo_con, policy.command_line("kiểm thử"), "xem@vd.vn", "xem", "TU")
    viewer = policy.sign_in(demo_con, issuer="https://id.vd.vn", subject="s2", email="xem@vd.vn", name=None)
    assert not policy.may_upload(viewer)
    prepared = importer.prepare(demo_con, OWN.encode(), "q3.csv", person=viewer)
    assert {i.code for i in prepared.report.errors} == {"E_NOT_YOUR_UNIT"} and len(prepared.report.errors) == 2
