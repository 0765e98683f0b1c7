"""The three optional columns of the SPC's 2024 indicators (DATA_FORMAT.md): hearing_held,
appeal_lodged_on, appeal_transferred_on — stored as given, empty when the export lacks them,
and part of what makes a row changed. Their bad values are row errors
(tests/cases/test_import.py, BAD_ROWS)."""

from __future__ import annotations

import pytest

from cases.models import Case
from tests.cases.test_import import record, run, write_csv

pytestmark = pytest.mark.django_db

FIRST = record(
    case_number="（2025）苏0505民初7号",
    closed_on="2025-04-01",
    closing_method="judgment",
    appealed="是",
    appeal_lodged_on="2025-04-10",
    appeal_transferred_on="2025-04-25",
)
SECOND = {
    "case_number": "（2025）苏05民终3号",
    "division": "民一庭",
    "judge_id": "J0501",
    "judge_name": "陈红",
    "filed_on": "2025-05-02",
    "closed_on": "2025-06-20",
    "closing_method": "judgment",
    "hearing_held": "否",
}


def test_the_columns_are_stored_as_given(tmp_path):
    result = run(write_csv(tmp_path / "a.csv", [FIRST, SECOND], chinese=True))

    assert result.counts()["created"] == 2, result.errors
    first = Case.objects.get(case_number=FIRST["case_number"])
    assert (str(first.appeal_lodged_on), str(first.appeal_transferred_on)) == (
        "2025-04-10",
        "2025-04-25",
    )
    assert first.transfer_days == 15
    assert first.hearing_held is None
    second = Case.objects.get(case_number=SECOND["case_number"])
    assert second.hearing_held is False
    assert second.appeal_lodged_on is None


def test_an_export_without_the_columns_leaves_them_empty(tmp_path):
    plain = {k: v for k, v in FIRST.items() if not k.startswith("appeal_")}

    result = run(write_csv(tmp_path / "a.csv", [plain]))

    assert result.counts()["created"] == 1, result.errors
    case = Case.objects.get()
    assert (case.hearing_held, case.appeal_lodged_on, case.appeal_transferred_on) == (None,) * 3


def test_a_changed_transfer_date_updates_the_case_and_the_same_file_again_changes_nothing(
    tmp_path,
):
    run(write_csv(tmp_path / "a.csv", [FIRST]))
    moved = {**FIRST, "appeal_transferred_on": "2025-04-30"}

    changed = run(write_csv(tmp_path / "b.csv", [moved]))
    again = run(write_csv(tmp_path / "c.csv", [moved]))

    assert changed.counts()["updated"] == 1, changed.errors
    assert again.counts()["unchanged"] == 1, again.errors
    assert Case.objects.get().transfer_days == 20
