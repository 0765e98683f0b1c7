"""Fast loads (issue 13): a re-import recognises unchanged CSV rows by their fingerprint and
neither validates nor writes them; a large first load builds the indexes once at the end.
Whatever way a row takes, the result is the one the plain import gives."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from cases.choices import CourtLevel, Role
from cases.importing import case_import, fingerprints, open_source, services
from cases.importing.fastpath import BlockValidator
from cases.importing.validation import RowValidator
from cases.models import Case, Judge
from tests.cases.test_import import record, run, write_csv
from tests.factories import CourtFactory, UserFactory

pytestmark = pytest.mark.django_db


def row_versions() -> dict[str, str]:
    """Each case's row version (xmin): it moves on any write, even one that changes nothing."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT case_number, xmin::text FROM cases_case")
        return dict(cursor.fetchall())


def validated_rows(monkeypatch) -> list[int]:
    """The rows the validator is asked about from now on, row by row or in a block."""
    seen: list[int] = []
    validate = RowValidator.validate
    lines = BlockValidator.lines

    def counting(self, row, values):
        seen.append(row)
        return validate(self, row, values)

    def counting_block(self, rows, values):
        found = lines(self, rows, values)
        if found is not None:
            seen.extend(rows)
        return found

    monkeypatch.setattr(RowValidator, "validate", counting)
    monkeypatch.setattr(BlockValidator, "lines", counting_block)
    return seen


def test_an_unchanged_reimport_validates_and_writes_nothing(tmp_path, monkeypatch):
    rows = [record(case_number=f"（2025）苏0505民初{n}号") for n in range(1, 6)]
    path = write_csv(tmp_path / "a.csv", rows)
    run(path)
    before = list(Case.objects.order_by("id").values())
    versions = row_versions()
    validated = validated_rows(monkeypatch)

    result = run(path)

    assert result.counts() == {"created": 0, "updated": 0, "unchanged": 5, "rejected": 0}
    assert validated == []
    assert row_versions() == versions
    assert list(Case.objects.order_by("id").values()) == before


def test_only_the_changed_rows_are_validated_and_written(tmp_path, monkeypatch):
    rows = [record(case_number=f"（2025）苏0505民初{n}号") for n in range(1, 6)]
    run(write_csv(tmp_path / "a.csv", rows))
    versions = row_versions()
    rows[2] = record(case_number="（2025）苏0505民初3号", cause="买卖合同纠纷")
    validated = validated_rows(monkeypatch)

    result = run(write_csv(tmp_path / "b.csv", rows))

    assert result.counts() == {"created": 0, "updated": 1, "unchanged": 4, "rejected": 0}
    assert validated == [4]
    changed = {n for n, version in row_versions().items() if versions[n] != version}
    assert changed == {"（2025）苏0505民初3号"}
    assert Case.objects.get(case_number="（2025）苏0505民初3号").cause == "买卖合同纠纷"


def test_a_row_written_again_after_the_first_is_rejected_as_a_duplicate(tmp_path):
    path = write_csv(tmp_path / "a.csv", [record(), record(case_number="（2025）苏0505民初2号")])
    run(path)

    result = run(write_csv(tmp_path / "b.csv", [record(), record(), record(cause="x")]))

    assert result.counts() == {"created": 0, "updated": 0, "unchanged": 1, "rejected": 2}
    assert [(e.row, e.message) for e in result.errors] == [
        (3, "与第2行案号相同"),
        (4, "与第2行案号相同"),
    ]
    assert Case.objects.get(case_number="（2025）苏0505民初1号").cause == "民间借贷纠纷"


@pytest.mark.parametrize("chunk_rows", [1, 10])
def test_an_unchanged_row_after_a_changed_one_of_the_same_case_is_the_duplicate(
    tmp_path, monkeypatch, chunk_rows
):
    run(write_csv(tmp_path / "a.csv", [record()]))
    monkeypatch.setattr(services, "CHUNK_ROWS", chunk_rows)

    result = run(write_csv(tmp_path / "b.csv", [record(cause="x"), record()]))

    assert result.counts() == {"created": 0, "updated": 1, "unchanged": 0, "rejected": 1}
    assert [(e.row, e.message) for e in result.errors] == [(3, "与第2行案号相同")]
    assert Case.objects.get().cause == "x"


def test_a_user_not_allowed_the_court_gets_the_validators_error_for_an_unchanged_row(tmp_path):
    path = write_csv(tmp_path / "a.csv", [record(), record(case_number="（2025）苏0506民初1号")])
    run(path)
    office = UserFactory(
        role=Role.OFFICE, court=CourtFactory(code="苏0506", level=CourtLevel.BASIC)
    )

    result = run(path, actor=office)

    assert result.counts() == {"created": 0, "updated": 0, "unchanged": 1, "rejected": 1}
    assert [(e.row, e.message) for e in result.errors] == [(2, "无权导入其他法院（苏0505）的案件")]


def test_an_unchanged_row_names_its_judge_again_as_the_plain_import_does(tmp_path):
    first = write_csv(tmp_path / "a.csv", [record()])
    run(first)
    run(
        write_csv(
            tmp_path / "b.csv", [record(case_number="（2025）苏0505民初2号", judge_name="李")]
        )
    )
    assert Judge.objects.get(staff_id="J0107").name == "李"

    result = run(first)

    assert result.counts()["unchanged"] == 1
    assert (Judge.objects.get(staff_id="J0107").name, result.judges_updated) == ("王磊", 1)


def test_a_judge_is_written_again_only_when_a_later_chunk_names_them_otherwise(
    tmp_path, monkeypatch
):
    """Chunk by chunk, the latest row naming a judge wins; a chunk naming them as the run
    last wrote them writes nothing (their row version stays)."""
    monkeypatch.setattr(services, "CHUNK_ROWS", 1)
    n = iter(range(1, 100))

    def row(**fields):
        return record(case_number=f"（2025）苏0505民初{next(n)}号", **fields)

    rows = [
        row(),
        row(judge_name="王磊"),
        row(judge_name="李"),
        row(judge_name="李", division="民二庭"),
        row(judge_name="李", division="民二庭"),
        row(),
    ]

    def judge_version() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT xmin::text FROM cases_judge WHERE staff_id = 'J0107'")
            return cursor.fetchone()[0]

    result = run(write_csv(tmp_path / "a.csv", rows[:2]))
    assert (result.judges_created, result.judges_updated) == (1, 0)
    version = judge_version()
    result = run(write_csv(tmp_path / "b.csv", [row(), row()]))
    assert (result.counts()["created"], result.judges_created, result.judges_updated) == (2, 0, 0)
    assert judge_version() == version  # not rewritten

    result = run(write_csv(tmp_path / "c.csv", rows))

    assert result.counts()["rejected"] == 0
    assert (result.judges_created, result.judges_updated) == (0, 3)
    judge = Judge.objects.select_related("division").get(staff_id="J0107")
    assert (judge.name, judge.division.name) == ("王磊", "民一庭")
    result = run(write_csv(tmp_path / "d.csv", rows[:4]))
    assert result.judges_updated == 2
    judge = Judge.objects.select_related("division").get(staff_id="J0107")
    assert (judge.name, judge.division.name) == ("李", "民二庭")


def test_a_case_changed_otherwise_loses_its_fingerprint_and_the_row_writes_it_back(tmp_path):
    path = write_csv(tmp_path / "a.csv", [record()])
    run(path)
    Case.objects.update(cause="改过")
    assert Case.objects.get().import_hash is None

    result = run(path)

    assert result.counts()["updated"] == 1
    assert Case.objects.get().cause == "民间借贷纠纷"
    assert Case.objects.get().import_hash is not None


def test_a_row_whose_dates_are_now_in_the_future_is_validated_again(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "a.csv", [record(filed_on="2025-03-02")])
    run(path)
    monkeypatch.setattr(services, "today", lambda: datetime.date(2025, 3, 1))

    result = run(path)

    assert result.counts()["rejected"] == 1
    assert "晚于今天" in result.errors[0].message


def test_another_form_of_the_same_record_is_unchanged_and_takes_the_new_fingerprint(
    tmp_path, monkeypatch
):
    run(write_csv(tmp_path / "a.csv", [record(track="summary")]))
    chinese = write_csv(tmp_path / "b.csv", [record(track="简易程序")], chinese=True)
    versions = row_versions()

    result = run(chinese)

    assert result.counts()["unchanged"] == 1
    assert row_versions() != versions  # the fingerprint, once
    validated = validated_rows(monkeypatch)
    assert run(chinese).counts()["unchanged"] == 1
    assert validated == []


def test_a_new_validator_version_matches_no_stored_fingerprint(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "a.csv", [record()])
    run(path)
    monkeypatch.setattr(fingerprints, "FINGERPRINT_VERSION", "next\x1f")
    validated = validated_rows(monkeypatch)

    assert run(path).counts()["unchanged"] == 1
    assert validated == [2]


def test_probing_stops_when_few_rows_match_and_the_result_is_the_same(tmp_path, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_ROWS", 2)
    run(write_csv(tmp_path / "a.csv", [record()]))
    rows = [record(case_number=f"（2025）苏0505民初{n}号") for n in range(1, 8)]

    result = run(write_csv(tmp_path / "b.csv", rows))

    assert result.counts() == {"created": 6, "updated": 0, "unchanged": 1, "rejected": 0}
    assert Case.objects.exclude(import_hash=None).count() == 7


def schema() -> tuple[list, list]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases_case' ORDER BY 1"
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """SELECT conname, pg_get_constraintdef(oid), condeferrable, condeferred
            FROM pg_constraint WHERE conrelid = 'cases_case'::regclass ORDER BY 1"""
        )
        return indexes, cursor.fetchall()


def test_a_large_first_load_builds_the_indexes_and_foreign_keys_again_as_they_were(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(services, "BULK_MIN_ROWS", 1)
    monkeypatch.setattr(services, "BULK_MIN_BYTES", 1)
    before = schema()
    rows = [
        record(closed_on="2025-03-20", closing_method="判决"),
        record(
            case_number="（2025）苏05民终5号",
            track="",
            filed_on="2025-04-11",
            origin_case_number="（2025）苏0505民初1号",
        ),
        record(case_number="（2025）苏0505民初1号", cause="x"),
    ]

    result = run(write_csv(tmp_path / "a.csv", rows))

    assert result.counts() == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    assert schema() == before
    assert Case.objects.get(case_number="（2025）苏0505民初1号").effective_appealed is True


def test_after_a_large_first_load_the_deadline_pass_would_change_no_deadline(tmp_path, monkeypatch):
    """The refresh after a first load into an empty table leaves the deadline pass out: the
    insert (and the upsert of a later source) wrote each deadline by the same rule."""
    from cases import services as case_services
    from cases.importing import case_import, open_source

    monkeypatch.setattr(services, "BULK_MIN_ROWS", 1)
    monkeypatch.setattr(services, "BULK_MIN_BYTES", 1)
    first = [
        record(),  # summary: 3 months
        record(
            case_number="（2024）苏0505民初2号",
            track="ordinary",
            filed_on="2024-08-31",  # + 6 months: clamped to the end of February
            extension_days="30",
            excluded_days="5",
        ),
        record(case_number="（2025）苏0505民初3号", deadline_on="2025-12-01"),
        record(case_number="（2025）苏0505民督1号", track=""),  # no time limit
        record(case_number="（2025）苏0505民特4号", track=""),  # by type code: 30 days
        record(
            case_number="（2025）苏05民终5号",
            track="",
            filed_on="2025-04-11",
            origin_case_number="（2025）苏0505民初1号",
        ),
    ]
    second = [
        record(extension_days="10"),  # updates a case of the first source
        record(case_number="（2025）苏0505民初7号", track="small_claims", excluded_days="3"),
    ]
    result = case_import(
        sources=[
            open_source(write_csv(tmp_path / "a.csv", first)),
            open_source(write_csv(tmp_path / "b.csv", second)),
        ]
    )
    assert result.counts() == {"created": 7, "updated": 1, "unchanged": 0, "rejected": 0}
    imported = dict(Case.objects.values_list("case_number", "deadline"))

    case_services.case_derived_refresh(case_ids=None)

    assert dict(Case.objects.values_list("case_number", "deadline")) == imported
    assert imported["（2025）苏0505民初1号"] == datetime.date(2025, 6, 12)
    assert imported["（2024）苏0505民初2号"] == datetime.date(2025, 4, 4)
    assert imported["（2025）苏0505民督1号"] is None


DERIVED = (
    "case_number",
    "origin__case_number",
    "deadline",
    "effective_appealed",
    "effective_appeal_outcome",
    "effective_appeal_decided_on",
    "effective_retrial_outcome",
    "effective_retrial_decided_on",
)


@pytest.mark.parametrize("chunk_rows", [1, 3, 100])
def test_a_large_first_load_links_every_origin_as_a_full_refresh_would(
    tmp_path, monkeypatch, chunk_rows
):
    """The first source of a first load is inserted without its origins, which the refresh
    then links for the cases naming one (and their origins) only: appeals and retrials before
    and after their origins, in one chunk or across chunks, and a later source that moves an
    appeal to another origin, end exactly as a refresh of every case leaves them."""
    from cases import services as case_services

    monkeypatch.setattr(services, "BULK_MIN_ROWS", 1)
    monkeypatch.setattr(services, "BULK_MIN_BYTES", 1)
    monkeypatch.setattr(services, "CHUNK_ROWS", chunk_rows)

    def first_instance(n: int, **fields) -> dict:
        return record(
            case_number=f"（2025）苏0505民初{n}号",
            closed_on="2025-03-20",
            closing_method="判决",
            **fields,
        )

    def appeal(n: int, origin: int, **fields) -> dict:
        return record(
            case_number=f"（2025）苏05民终{n}号",
            track="",
            filed_on="2025-04-11",
            origin_case_number=f"（2025）苏0505民初{origin}号",
            **fields,
        )

    first = [
        appeal(1, 1, closed_on="2025-06-10", closing_method="改判"),  # before its origin
        first_instance(1),
        first_instance(2),
        appeal(2, 2),  # after its origin, still open
        first_instance(3, appeal_outcome="维持"),  # its own value wins over its appeal's
        appeal(3, 3, closed_on="2025-06-12", closing_method="发回重审"),
        record(
            case_number="（2025）苏05民再1号",
            track="",
            filed_on="2025-05-01",
            closed_on="2025-06-20",
            closing_method="维持原判",
            origin_case_number="（2025）苏0505民初4号",
        ),
        first_instance(4),
        appeal(4, 99),  # its origin never arrives
        first_instance(5),  # never appealed
    ]
    second = [appeal(2, 5), first_instance(6)]  # the open appeal moves to case 5
    result = case_import(
        sources=[
            open_source(write_csv(tmp_path / "a.csv", first)),
            open_source(write_csv(tmp_path / "b.csv", second)),
        ]
    )
    assert result.counts() == {"created": 11, "updated": 1, "unchanged": 0, "rejected": 0}, [
        (e.row, e.message) for e in result.errors
    ]
    imported = sorted(Case.objects.values_list(*DERIVED))

    case_services.case_derived_refresh(case_ids=None)

    assert sorted(Case.objects.values_list(*DERIVED)) == imported
    state = {row[0]: row[1:] for row in imported}
    assert state["（2025）苏05民终1号"][0] == "（2025）苏0505民初1号"
    assert state["（2025）苏0505民初1号"][2:5] == (True, "modified", datetime.date(2025, 6, 10))
    assert state["（2025）苏0505民初2号"][2] is False  # its appeal moved away
    assert state["（2025）苏0505民初5号"][2:4] == (True, "")
    assert state["（2025）苏0505民初3号"][3] == "affirmed"
    assert state["（2025）苏0505民初4号"][5:] == ("affirmed", datetime.date(2025, 6, 20))
    assert state["（2025）苏05民终4号"][0] is None


@pytest.mark.parametrize("bulk", [True, False], ids=["first-load", "plain"])
@pytest.mark.parametrize("chunk_rows", [1, 3, 100])
def test_duplicates_of_a_first_load_are_those_of_the_plain_import(
    tmp_path, monkeypatch, bulk, chunk_rows
):
    """A first load (its indexes dropped, its first source inserted alone) rejects the same
    rows with the same messages as the plain import: within a chunk and across chunks, a
    number three times; a second source's rows are not duplicates of the first's."""
    if bulk:
        monkeypatch.setattr(services, "BULK_MIN_ROWS", 1)
        monkeypatch.setattr(services, "BULK_MIN_BYTES", 1)
    monkeypatch.setattr(services, "CHUNK_ROWS", chunk_rows)
    numbers = [1, 2, 1, 3, 2, 1, 4, 4, 3]  # file rows 2..10
    first = [
        record(case_number=f"（2025）苏0505民初{n}号", cause=f"第{row}行")
        for row, n in enumerate(numbers, start=2)
    ]
    second = [record(case_number="（2025）苏0505民初1号", cause="改")]
    schema_before = schema()

    result = case_import(
        sources=[
            open_source(write_csv(tmp_path / "a.csv", first)),
            open_source(write_csv(tmp_path / "b.csv", second)),
        ]
    )

    assert [(e.row, e.message) for e in result.errors] == [
        (4, "与第2行案号相同"),
        (6, "与第3行案号相同"),
        (7, "与第2行案号相同"),
        (9, "与第8行案号相同"),
        (10, "与第5行案号相同"),
    ]
    assert result.counts() == {"created": 4, "updated": 1, "unchanged": 0, "rejected": 5}
    assert dict(Case.objects.values_list("case_number", "cause")) == {
        "（2025）苏0505民初1号": "改",
        "（2025）苏0505民初2号": "第3行",
        "（2025）苏0505民初3号": "第5行",
        "（2025）苏0505民初4号": "第8行",
    }
    assert schema() == schema_before


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("bulk", [True, False], ids=["first-load", "plain"])
def test_a_line_written_twice_is_a_duplicate_in_any_load(tmp_path, monkeypatch, kind, bulk):
    """A first load's CSV source looks for its duplicates once it is in (their rows and
    fingerprints kept aside), an XLSX source's chunk by chunk (no fingerprints): either way the
    later rows are rejected with the plain import's messages — the very same line again too —
    and each number keeps the case of its first row, with what that row says."""
    if bulk:
        monkeypatch.setattr(services, "BULK_MIN_ROWS", 1)
        monkeypatch.setattr(services, "BULK_MIN_BYTES", 1)
    monkeypatch.setattr(services, "CHUNK_ROWS", 2)
    first, second, third = (f"（2025）苏0505民初{n}号" for n in (1, 2, 3))
    rows = [
        record(case_number=first, cause="第2行"),
        record(case_number=second, cause="第3行"),
        record(case_number=first, cause="第2行"),  # the very line of row 2 again
        record(case_number=first, cause="第5行"),
        record(case_number=third, cause="第6行"),
        record(case_number=second, cause="第7行"),
        record(case_number=first, cause="第2行"),
    ]
    if kind == "xlsx":
        from tests.cases.test_import_limits import write_xlsx

        path = write_xlsx(tmp_path / "a.xlsx", rows)
    else:
        path = write_csv(tmp_path / "a.csv", rows)
    schema_before = schema()

    result = run(path)

    assert [(e.row, e.message) for e in result.errors] == [
        (4, "与第2行案号相同"),
        (5, "与第2行案号相同"),
        (7, "与第3行案号相同"),
        (8, "与第2行案号相同"),
    ]
    assert result.counts() == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 4}
    assert sorted(Case.objects.values_list("case_number", "cause")) == [
        (first, "第2行"),
        (second, "第3行"),
        (third, "第6行"),
    ]
    assert schema() == schema_before


@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
@pytest.mark.parametrize("bulk", [True, False], ids=["first-load", "plain"])
def test_a_duplicated_origin_leaves_its_appeals_linked_to_the_case_kept(
    tmp_path, monkeypatch, bulk, dry_run
):
    """A single-source first load links origins before its duplicates are found (when the
    case number's index is built at the end): the appeals of a number written twice end
    linked to the case of its first row, whose appeal fields they give, as in the plain
    import; a dry run counts and reports the same rows."""
    if bulk:
        monkeypatch.setattr(services, "BULK_MIN_ROWS", 1)
        monkeypatch.setattr(services, "BULK_MIN_BYTES", 1)
    monkeypatch.setattr(services, "CHUNK_ROWS", 2)
    origin, other = "（2025）苏0505民初1号", "（2025）苏0505民初2号"
    decided = {"closed_on": "2025-03-20", "closing_method": "判决"}

    def appeal(n: int, number: str, **fields) -> dict:
        return record(
            case_number=f"（2025）苏05民终{n}号",
            track="",
            filed_on="2025-04-11",
            origin_case_number=number,
            **fields,
        )

    rows = [
        appeal(1, origin, closed_on="2025-06-10", closing_method="改判"),  # row 2
        record(case_number=origin, cause="第3行", **decided),
        record(case_number=other, cause="第4行", **decided),
        record(case_number=origin, cause="第5行", **decided),  # a duplicate of row 3
        record(case_number=other, cause="第6行"),  # a duplicate of row 4
        # a duplicate of row 2, naming the other case: until it is removed, that case's appeal
        appeal(1, other, closed_on="2025-06-12", closing_method="维持原判"),
    ]

    result = run(write_csv(tmp_path / "a.csv", rows), dry_run=dry_run)

    assert [(e.row, e.message) for e in result.errors] == [
        (5, "与第3行案号相同"),
        (6, "与第4行案号相同"),
        (7, "与第2行案号相同"),
    ]
    assert result.counts() == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 3}
    if dry_run:
        assert not Case.objects.exists()
        return
    state = {row[0]: row[1:] for row in Case.objects.values_list(*DERIVED)}
    assert sorted(Case.objects.values_list("case_number", "cause")) == [
        (origin, "第3行"),
        (other, "第4行"),
        ("（2025）苏05民终1号", "民间借贷纠纷"),
    ]
    assert state["（2025）苏05民终1号"][0] == origin
    assert state[origin][2:5] == (True, "modified", datetime.date(2025, 6, 10))
    assert state[other][2:5] == (False, "", None)  # never appealed


def test_every_deferrable_constraint_is_initially_deferred():
    """StagingWriter.reject_bulk_duplicates makes its deletion's deferred checks with SET
    CONSTRAINTS ALL IMMEDIATE and puts them back with ALL DEFERRED: right only while no
    constraint is deferrable but initially immediate (it would stay deferred to the commit)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT conrelid::regclass::text, conname FROM pg_constraint
            WHERE condeferrable AND NOT condeferred"""
        )
        assert cursor.fetchall() == []
        cursor.execute("SELECT count(*) FROM pg_constraint WHERE condeferrable AND condeferred")
        assert cursor.fetchone()[0] > 10  # Django's foreign keys


def test_a_large_import_into_a_table_with_cases_keeps_its_indexes(tmp_path, monkeypatch):
    run(write_csv(tmp_path / "a.csv", [record()]))
    monkeypatch.setattr(services, "BULK_MIN_ROWS", 1)
    before = schema()

    result = run(write_csv(tmp_path / "b.csv", [record(case_number="（2025）苏0505民初2号")]))

    assert result.counts()["created"] == 1
    assert schema() == before


@pytest.mark.parametrize(
    ("order", "name"),
    [(("renamed", "unchanged"), "王磊"), (("unchanged", "renamed"), "李")],
)
def test_the_latest_row_of_a_chunk_names_the_judge_whether_or_not_it_is_unchanged(
    tmp_path, order, name
):
    run(write_csv(tmp_path / "a.csv", [record()]))
    rows = {
        "renamed": record(case_number="（2025）苏0505民初2号", judge_name="李"),
        "unchanged": record(),
    }

    result = run(write_csv(tmp_path / "b.csv", [rows[key] for key in order]))

    assert result.counts() == {"created": 1, "updated": 0, "unchanged": 1, "rejected": 0}
    assert Judge.objects.get(staff_id="J0107").name == name


# --- the fast way for plain blocks (fastpath.py) ---------------------------------------------

MUTATIONS = [
    lambda cell: f" {cell}",
    lambda cell: f"{cell} ",
    lambda cell: cell.replace("（", "(").replace("）", ")"),
    lambda cell: cell.replace("号", "号 "),
    lambda cell: cell.replace("-", "/"),
    lambda cell: cell.replace("-0", "-"),
    lambda cell: cell[:-2] + "31" if len(cell) == 10 else cell,
    lambda cell: "2099-01-01",
    lambda cell: "",
    lambda cell: cell.upper(),
    lambda cell: cell + "\t",
    lambda cell: cell + "\\",
    lambda cell: cell + "\u3000",
    lambda cell: cell * 30,
    lambda cell: "１２",
    lambda cell: "007",
    lambda cell: "-1",
    lambda cell: "1,000.5",
    lambda cell: "1.005",
    lambda cell: "12345",
    lambda cell: "是",
    lambda cell: "True",
    lambda cell: "维持",
    lambda cell: "简易",
    lambda cell: "small_claims",
    lambda cell: "fast_track",
    lambda cell: "judgment",
    lambda cell: "（2025）苏0505民初0012号",
    lambda cell: "（2025）苏0506民初12号",
    lambda cell: "（2026）苏05民终1号",
    lambda cell: "苏0506",
    lambda cell: "2024-12-31",
    lambda cell: "٢٠٢٥-03-02",
]


def plain_and_mutated_rows(tmp_path, count: int, seed: int):
    """A synthetic export's rows, and the same rows each with one cell mutated at random."""
    import random

    from cases.importing import open_source
    from cases.importing.synthetic import write_synthetic_file

    path = tmp_path / "synthetic.csv"
    write_synthetic_file(path, count, as_of=datetime.date(2025, 12, 31), seed=seed)
    source = open_source(path)
    rows = list(source.rows())
    chance = random.Random(seed)
    mutated = []
    for row, values in rows:
        values = list(values)
        position = chance.randrange(len(values))
        values[position] = chance.choice(MUTATIONS)(values[position])
        if chance.random() < 0.2:  # now and then a second one
            position = chance.randrange(len(values))
            values[position] = chance.choice(MUTATIONS)(values[position])
        mutated.append((row, values))
    return source, rows, mutated


def row_by_row(validator, block, fingerprints) -> str | None:
    """What the row validator makes of a block: its COPY lines, or None if a row is rejected."""
    from cases.importing.writer import record_line

    lines = []
    for (row, values), fingerprint in zip(block, fingerprints, strict=True):
        record, errors = validator.validate(row, values)
        if errors:
            return None
        lines.append(record_line(record, fingerprint))
    return "".join(lines)


@pytest.mark.parametrize("allowed", [None, lambda code: code != "苏0506"])
def test_the_fast_way_gives_the_row_validators_lines_or_declines(tmp_path, allowed):
    """On plain and on randomly spoilt rows: wherever the block validator answers, its lines
    are exactly the row validator's, and it declines every block with a rejected row."""
    from cases.importing.fingerprints import Fingerprinter

    source, rows, mutated = plain_and_mutated_rows(tmp_path, 3000, seed=13)
    validator = RowValidator(
        plan=source.plan, today=datetime.date(2025, 12, 31), court_allowed=allowed
    )
    blocks = BlockValidator(validator, Fingerprinter(source))
    answered = declined = 0
    for size, sample in ((500, rows), (1, mutated), (7, mutated)):
        for start in range(0, len(sample), size):
            block = sample[start : start + size]
            fingerprints = [f"{row:032x}" for row, _values in block]
            fast = blocks.lines(*zip(*block, strict=True), fingerprints)
            slow = row_by_row(validator, block, fingerprints)
            if fast is None:
                declined += 1
            else:
                answered += 1
                assert fast == slow, block
    assert answered > 1000  # the fast way is taken: plain blocks, and rows mutated harmlessly
    assert declined > 1000
    source.close()


def test_a_bad_row_in_a_plain_file_is_reported_and_its_block_is_kept(tmp_path):
    rows = [record(case_number=f"（2025）苏0505民初{n}号") for n in range(1, 1201)]
    rows[700] = record(case_number="（2025）苏0505民初701号", filed_on="2025-02-30")
    rows[900] = record(case_number="（2025）苏0505民初3号")  # a duplicate of row 4

    result = run(write_csv(tmp_path / "a.csv", rows))

    assert result.counts() == {"created": 1198, "updated": 0, "unchanged": 0, "rejected": 2}
    assert [(error.row, error.column) for error in result.errors] == [
        (702, "filed_on"),
        (902, "case_number"),
    ]
    assert "2025-02-30" in result.errors[0].message
    assert "4" in result.errors[1].message
    assert Case.objects.count() == 1198
    assert Case.objects.filter(case_number="（2025）苏0505民初702号").exists()


def test_a_reimport_of_a_large_export_updates_exactly_its_changed_rows(tmp_path, monkeypatch):
    rows = [record(case_number=f"（2025）苏0505民初{n}号") for n in range(1, 1501)]
    run(write_csv(tmp_path / "a.csv", rows))
    versions = row_versions()
    for n in (3, 600, 1499):
        rows[n - 1] = record(case_number=f"（2025）苏0505民初{n}号", cause="买卖合同纠纷")
    rows.append(record(case_number="（2025）苏0505民初600号"))  # a duplicate, unchanged
    validated = validated_rows(monkeypatch)

    result = run(write_csv(tmp_path / "b.csv", rows))

    assert result.counts() == {"created": 0, "updated": 3, "unchanged": 1497, "rejected": 1}
    # the changed rows, and the unchanged duplicate of a changed row's case, which the
    # database's duplicate check then rejects as the plain import does
    assert sorted(validated) == [4, 601, 1500, 1502]
    changed = {n for n, version in row_versions().items() if versions[n] != version}
    assert changed == {f"（2025）苏0505民初{n}号" for n in (3, 600, 1499)}
    assert result.errors[0].row == 1502


# --- the fingerprints held in memory (known.py) ----------------------------------------------


def numbered(n: int, **fields) -> dict:
    return record(case_number=f"（2025）苏0505民初{n}号", **fields)


def test_a_later_source_with_a_cases_former_row_writes_it_back(tmp_path):
    """The first source changes a case; the second names it with the row that wrote it before:
    the case is no longer as that row left it, so the row is validated and written again."""
    rows = [numbered(n) for n in range(1, 4)]
    before = write_csv(tmp_path / "a.csv", rows)
    run(before)
    changed = write_csv(tmp_path / "b.csv", [numbered(2, cause="买卖合同纠纷")])

    result = case_import(sources=[open_source(changed), open_source(before)])

    assert [s.counts() for s in result.sources] == [
        {"created": 0, "updated": 1, "unchanged": 0, "rejected": 0},
        {"created": 0, "updated": 1, "unchanged": 2, "rejected": 0},
    ]
    assert Case.objects.get(case_number="（2025）苏0505民初2号").cause == "民间借贷纠纷"


@pytest.mark.parametrize("chunk_rows", [1, 2, 100])
def test_duplicates_of_unchanged_and_changed_rows_are_rejected_whatever_the_chunks(
    tmp_path, monkeypatch, chunk_rows
):
    """Every way two rows of one case can meet — unchanged twice, unchanged then changed,
    changed then unchanged — in one chunk or across chunks: the later row is rejected and
    names the first, as the plain import says it."""
    rows = [numbered(n) for n in range(1, 6)]
    run(write_csv(tmp_path / "a.csv", rows))
    monkeypatch.setattr(services, "CHUNK_ROWS", chunk_rows)
    again = [
        numbered(1),  # row 2
        numbered(2),  # row 3
        numbered(1),  # row 4: unchanged, duplicate of row 2
        numbered(2, cause="改"),  # row 5: changed, duplicate of row 3 (unchanged)
        numbered(3, cause="改"),  # row 6: changed
        numbered(3),  # row 7: unchanged, duplicate of row 6 (changed)
        numbered(4),  # row 8
        numbered(5),  # row 9
    ]

    result = run(write_csv(tmp_path / "b.csv", again))

    assert result.counts() == {"created": 0, "updated": 1, "unchanged": 4, "rejected": 3}
    assert [(e.row, e.message) for e in result.errors] == [
        (4, "与第2行案号相同"),
        (5, "与第3行案号相同"),
        (7, "与第6行案号相同"),
    ]
    causes = dict(Case.objects.values_list("case_number", "cause"))
    assert causes["（2025）苏0505民初2号"] == "民间借贷纠纷"
    assert causes["（2025）苏0505民初3号"] == "改"


def test_when_matching_stops_the_rows_matched_so_far_still_count_as_duplicates(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(services, "CHUNK_ROWS", 2)
    run(write_csv(tmp_path / "a.csv", [numbered(1), numbered(2)]))
    rows = [numbered(1), numbered(2)] + [numbered(n) for n in range(10, 16)] + [numbered(1)]

    result = run(write_csv(tmp_path / "b.csv", rows))

    assert result.counts() == {"created": 6, "updated": 0, "unchanged": 2, "rejected": 1}
    assert [(e.row, e.message) for e in result.errors] == [(10, "与第2行案号相同")]


def test_an_offices_reimport_reads_only_its_own_courts_fingerprints(tmp_path, monkeypatch):
    from cases.importing import known

    rows = [numbered(1), numbered(2), record(case_number="（2025）苏0506民初1号")]
    path = write_csv(tmp_path / "a.csv", rows)
    run(path)
    court = CourtFactory(code="苏0505", level=CourtLevel.BASIC)
    office = UserFactory(role=Role.OFFICE, court=court)
    loaded = []
    real = known.KnownCases.__init__

    def spied(self, *args, **kwargs):
        real(self, *args, **kwargs)
        loaded.append(len(self))

    monkeypatch.setattr(known.KnownCases, "__init__", spied)

    result = run(write_csv(tmp_path / "b.csv", rows[:2]), actor=office)

    assert result.counts() == {"created": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    assert loaded == [2]


@pytest.mark.parametrize("first", ["mostly new", "xlsx"])
def test_a_source_after_rows_written_the_ordinary_way_is_matched_against_the_run_so_far(
    tmp_path, monkeypatch, first
):
    """Rows the memory does not follow — the rest of a file after matching stopped, or another
    kind of file — change a case; a later CSV source with the case's former row writes it
    back, because the fingerprints are read again before it."""
    monkeypatch.setattr(services, "CHUNK_ROWS", 2)
    original = write_csv(tmp_path / "a.csv", [numbered(1), numbered(2)])
    run(original)
    changing = [numbered(n) for n in range(10, 14)] + [numbered(2, cause="改")]
    if first == "xlsx":
        from tests.cases.test_import_limits import write_xlsx

        source = open_source(write_xlsx(tmp_path / "b.xlsx", changing))
    else:
        source = open_source(write_csv(tmp_path / "b.csv", changing))

    result = case_import(sources=[source, open_source(original)])

    assert [s.counts() for s in result.sources] == [
        {"created": 4, "updated": 1, "unchanged": 0, "rejected": 0},
        {"created": 0, "updated": 1, "unchanged": 1, "rejected": 0},
    ]
    assert Case.objects.get(case_number="（2025）苏0505民初2号").cause == "民间借贷纠纷"
