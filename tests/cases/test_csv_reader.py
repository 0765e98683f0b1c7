"""The CSV reader reads bytes a piece at a time (readers.CsvSource): whatever the pieces, it gives
the rows the csv module gives over the decoded file, and each row the same bytes, so that a
row's fingerprint (fingerprints.py) never depends on where a piece ended."""

from __future__ import annotations

import csv
import io
import random

import pytest

from cases.importing import ImportFileError, open_source, readers
from cases.importing.columns import COLUMNS
from cases.importing.fingerprints import Fingerprinter

HEADER = [column.name for column in COLUMNS]
CELLS = [
    "",
    "王磊",
    "（2025）苏0505民初1号",
    "2025-03-02",
    "a,b",
    'say "yes"',
    "two\nlines",
    "crlf\r\ninside",
    " padded ",
    "民间借贷纠纷",
    "1,000.5",
]


def reference_rows(data: bytes, encoding: str) -> list[tuple[int, list[str]]]:
    """What the csv module makes of the whole file: rows after the header, empty ones left out
    (their numbers skipped), as the reader did before it read bytes."""
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    rows = []
    for number, cells in enumerate(csv.reader(text), start=1):
        if number > 1 and cells and any(cells):
            rows.append((number, cells))
    return rows


def random_file(seed: int, *, rows: int, line_ending: str, quoting: int) -> str:
    chance = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=line_ending, quoting=quoting)
    writer.writerow(HEADER)
    for _n in range(rows):
        pick = chance.random()
        if pick < 0.05:
            out.write(line_ending)  # an empty line
        elif pick < 0.08:
            out.write("," * (len(HEADER) - 1) + line_ending)  # only commas
        else:
            writer.writerow([chance.choice(CELLS) for _column in HEADER])
    return out.getvalue()


def read_all(path, piece: int, monkeypatch) -> tuple[list, dict[int, bytes]]:
    monkeypatch.setattr(readers.CsvSource, "PIECE_BYTES", piece)
    source = open_source(path)
    rows, records = [], {}
    for block in source.blocks():
        rows += zip(block.rows, source.values(block), strict=True)
        records.update(zip(block.rows, block.records, strict=True))
    source.close()
    return rows, records


@pytest.mark.parametrize("line_ending", ["\n", "\r\n"])
@pytest.mark.parametrize("quoting", [csv.QUOTE_MINIMAL, csv.QUOTE_ALL])
@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("gb18030", False)]
)
def test_any_pieces_give_the_csv_modules_rows_and_the_same_bytes(
    tmp_path, monkeypatch, line_ending, quoting, encoding, bom
):
    text = random_file(7, rows=400, line_ending=line_ending, quoting=quoting)
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    expected = reference_rows(data, "utf-8-sig" if bom else encoding)
    assert len(expected) > 300

    whole, records = read_all(path, 1 << 20, monkeypatch)
    assert whole == expected
    for piece in (1, 7, 64, 1000):
        rows, again = read_all(path, piece, monkeypatch)
        assert rows == expected, piece
        assert again == records, piece  # the same bytes, wherever the pieces ended


def test_a_plain_file_is_split_by_commas_as_the_csv_module_reads_it(tmp_path, monkeypatch):
    text = random_file(3, rows=300, line_ending="\n", quoting=csv.QUOTE_MINIMAL)
    plain = "\n".join(line for line in text.split("\n") if '"' not in line) + "\n"
    path = tmp_path / "plain.csv"
    path.write_text(plain, encoding="utf-8")

    rows, _records = read_all(path, 1 << 20, monkeypatch)

    assert rows == reference_rows(plain.encode(), "utf-8")


def test_a_row_is_fingerprinted_by_its_bytes_under_its_header_and_encoding(tmp_path):
    def fingerprints(name: str, text: str, encoding: str = "utf-8") -> list[bytes]:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        source = open_source(path)
        printer = Fingerprinter(source)
        found = [digest for block in source.blocks() for digest in printer.digests(block.records)]
        source.close()
        return found

    header = ",".join(HEADER)
    row = ",".join(["王磊"] + [f"v{n}" for n in range(1, len(HEADER))])
    lf = fingerprints("lf.csv", f"{header}\n{row}\n")
    assert fingerprints("crlf.csv", f"{header}\r\n{row}\r\n") == lf  # the line ending is not
    assert fingerprints("last.csv", f"{header}\n{row}") == lf  # nor a missing last one
    swapped = ",".join([HEADER[1], HEADER[0], *HEADER[2:]])
    assert fingerprints("swapped.csv", f"{swapped}\n{row}\n") != lf  # the same bytes mean else
    assert fingerprints("gb.csv", f"{header}\n{row}\n", "gb18030") != lf  # the same cells, but
    # another file's bytes: recognised once it has been imported, not before


def test_bytes_that_do_not_decode_are_the_rows_error(tmp_path, monkeypatch):
    header = ",".join(HEADER).encode()
    good = ",".join(["x"] * len(HEADER)).encode()
    path = tmp_path / "bad.csv"
    path.write_bytes(header + b"\n" + good + b"\n" + good[:-1] + b"\xff\xfe" + b"\n" + good + b"\n")
    monkeypatch.setattr(readers, "detect_encoding", lambda head: "utf-8")

    source = open_source(path)
    with pytest.raises(ImportFileError, match="第3行无法读取"):
        list(source.rows())
    source.close()


def test_a_lone_carriage_return_is_read_as_the_csv_module_reads_it(tmp_path, monkeypatch):
    header = ",".join(HEADER)
    row = ",".join(["x"] * len(HEADER))
    data = f"{header}\n{row}\r{row}\n".encode()
    path = tmp_path / "cr.csv"
    path.write_bytes(data)

    rows, _records = read_all(path, 1 << 20, monkeypatch)

    assert rows == reference_rows(data, "utf-8")
