"""Sources of case records: a CSV file, an XLSX file (first sheet), or a list of JSON objects.

Every source gives a header (the column names as written) and then rows as lists of cells, each
with its row number as the user sees it (a file's header is row 1; a JSON list starts at 1).
Rows are streamed: a million-row file is never held in memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from cases.importing.columns import COLUMNS, REQUIRED_COLUMNS, Column, column_for_header

ZIP_MAGIC = b"PK\x03\x04"
UTF8_BOM = codecs.BOM_UTF8
SNIFF_BYTES = 1 << 16
csv.field_size_limit(1 << 20)
RATIO_FLOOR_BYTES = 1 << 20  # a member smaller than this unzipped is never a bomb
# What openpyxl raises on a broken workbook: a bad zip, a missing part, broken XML (ParseError and
# lxml's XMLSyntaxError are SyntaxErrors), a cut deflate stream, odd values.
XLSX_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    OSError,
    EOFError,
    SyntaxError,
    zlib.error,
)


class ImportFileError(Exception):
    """A source that cannot be read at all; nothing of the run is kept. The text is for users."""


@dataclass
class ColumnPlan:
    """Which cell of a row holds which column, and the header names the source used."""

    indexes: dict[str, int]  # column name -> cell index
    labels: dict[str, str]  # column name -> the header as written in the source
    unknown: list[str] = field(default_factory=list)  # headers that name no column

    @classmethod
    def from_header(cls, header: Sequence[Any], *, source_name: str) -> ColumnPlan:
        indexes: dict[str, int] = {}
        labels: dict[str, str] = {}
        unknown: list[str] = []
        for index, raw in enumerate(header):
            text = "" if raw is None else str(raw).replace("\ufeff", "").strip()
            if not text:
                continue
            column = column_for_header(text)
            if column is None:
                if text not in unknown:
                    unknown.append(text)
                continue
            if column.name in indexes:
                raise ImportFileError(
                    _("%(source)s：表头中“%(first)s”与“%(second)s”是同一列")
                    % {"source": source_name, "first": labels[column.name], "second": text}
                )
            indexes[column.name] = index
            labels[column.name] = text
        missing = [column for column in REQUIRED_COLUMNS if column.name not in indexes]
        if missing:
            raise ImportFileError(
                _("%(source)s：表头缺少必需的列：%(columns)s")
                % {
                    "source": source_name,
                    "columns": "、".join(f"{c.header}（{c.name}）" for c in missing),
                }
            )
        return cls(indexes=indexes, labels=labels, unknown=unknown)

    def label(self, column: Column) -> str:
        return self.labels.get(column.name, column.header)


class Source:
    """One source of rows. `open()` reads the header (and may raise ImportFileError)."""

    name: str
    plan: ColumnPlan
    size: int | None = None  # bytes, for the progress bar
    row_count_hint: int | None = None

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        raise NotImplementedError

    def position(self) -> int:
        """Progress so far, in the unit of `size` (bytes) or of `row_count_hint` (rows)."""
        return 0

    def close(self) -> None:
        pass


class _CountingReader(io.RawIOBase):
    """A raw byte stream that counts what was read, so a text reader over it shows progress."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


def detect_encoding(head: bytes) -> str:
    """UTF-8 with a BOM, UTF-8, or else GB18030 (exports of Chinese systems)."""
    if head.startswith(UTF8_BOM):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a character cut at the end of the sample is fine
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


@dataclass
class RawBlock:
    """Consecutive rows of a CSV file: their row numbers and their records' bytes as written
    (without the line ending), and, where the records were read through the csv module (a
    piece of the file with quotes), their cells (None: not read yet)."""

    rows: list[int]
    records: list[bytes]
    values: list[list[str] | None] | None = None
    start: int = 0  # where its bytes begin and end in the file (progress)
    end: int = 0


class CsvSource(Source):
    """A CSV file, read as bytes a piece (PIECE_BYTES) at a time. A piece without quotes,
    NULs or a lone carriage return holds one record per line, split by the comma — as the csv
    module would read it; any other piece is read by the csv module itself, line by line, so
    every record keeps its exact bytes (fingerprints.py) and the module's meaning."""

    PIECE_BYTES = 1 << 20

    def __init__(self, stream: BinaryIO, *, name: str, size: int | None = None):
        self.name = name
        self.size = size
        self._stream = stream
        head = stream.read(SNIFF_BYTES)
        self.encoding = detect_encoding(head)
        self.decoding = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        self._offset = self._done = 0
        if head.startswith(UTF8_BOM):
            head = head[len(UTF8_BOM) :]
            self._offset = len(UTF8_BOM)
        self._counter = _CountingReader(_Prefixed(head, stream))
        self._raw = io.BufferedReader(self._counter, buffer_size=1 << 16)
        self._blocks = self._read_blocks()
        self._held: RawBlock | None = None
        try:
            first = next(self._blocks, None)
        except csv.Error as error:
            raise ImportFileError(self._unreadable(error)) from error
        header = None
        if first is not None:
            header = self.row_values(first, 0)
            self._held = RawBlock(
                first.rows[1:],
                first.records[1:],
                first.values[1:] if first.values is not None else None,
                first.start,
                first.end,
            )
        if header is None or not any(cell.strip() for cell in header):
            raise ImportFileError(_("%(source)s：文件为空或没有表头") % {"source": name})
        self.header = header
        self.plan = ColumnPlan.from_header(header, source_name=name)

    def _unreadable(self, error: Exception) -> str:
        return _("%(source)s：无法读取（%(encoding)s）：%(error)s") % {
            "source": self.name,
            "encoding": self.encoding,
            "error": error,
        }

    def _row_error(self, row: int, error: Exception) -> ImportFileError:
        return ImportFileError(
            _("%(source)s：第%(row)s行无法读取：%(error)s")
            % {"source": self.name, "row": row, "error": error}
        )

    # --- reading -------------------------------------------------------------------------

    def _read_blocks(self) -> Iterator[RawBlock]:
        """Every record of the file (empty ones too), a piece at a time."""
        row = 0
        carry = b""
        while True:
            data = self._raw.read(self.PIECE_BYTES)
            end = not data
            data = carry + data
            if not data:
                return
            cut = len(data) if end else data.rfind(b"\n") + 1
            if cut <= 0:
                carry = data
                continue
            piece, carry = data[:cut], data[cut:]
            if b'"' in piece or b"\x00" in piece or piece.count(b"\r") != piece.count(b"\r\n"):
                block, rest = self._read_exactly(piece, row, end)
                carry = rest + carry
                cut -= len(rest)
            else:
                records = piece.split(b"\n")
                if records[-1] == b"":
                    records.pop()
                if b"\r" in piece:
                    records = [record.removesuffix(b"\r") for record in records]
                block = RawBlock(list(range(row + 1, row + 1 + len(records))), records)
            row += len(block.rows)
            block.start, self._offset = self._offset, self._offset + cut
            block.end = self._offset
            if block.rows:
                yield block
            if end:
                return

    def _read_exactly(self, piece: bytes, row: int, end: bool) -> tuple[RawBlock, bytes]:
        """The records of a piece read by the csv module, each with its own bytes: the module
        takes the lines one by one, so the lines it took for a record are that record. The
        last record stays for the next piece (it may go on there), unless the file ends."""
        lines = piece.splitlines(keepends=True)
        taken = 0

        def feed():
            nonlocal taken
            for number, line in enumerate(lines):
                taken = number + 1
                try:
                    yield line.decode(self.decoding)
                except UnicodeDecodeError as error:
                    raise self._row_error(row + 1 + len(records), error) from error

        reader = csv.reader(feed())
        records: list[bytes] = []
        values: list[list[str]] = []
        start = last = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                raise self._row_error(row + 1 + len(records), error) from error
            records.append(b"".join(lines[start:taken]).rstrip(b"\r\n"))
            values.append(cells)
            last, start = start, taken
        rest = b""
        if not end and records:
            rest = b"".join(lines[last:])
            records.pop()
            values.pop()
        return RawBlock(list(range(row + 1, row + 1 + len(records))), records, values), rest

    def values(self, block: RawBlock) -> list[list[str]]:
        """The cells of each record of the block."""
        if block.values is None:
            try:
                return [record.decode(self.decoding).split(",") for record in block.records]
            except UnicodeDecodeError:
                pass  # the row's own error, below
        return [self.row_values(block, k) for k in range(len(block.rows))]

    def row_values(self, block: RawBlock, k: int) -> list[str]:
        """The cells of the block's k-th record (a record without quotes: split by commas)."""
        if block.values is not None and block.values[k] is not None:
            return block.values[k]
        try:
            return block.records[k].decode(self.decoding).split(",")
        except UnicodeDecodeError as error:
            raise self._row_error(block.rows[k], error) from error

    def blocks(self) -> Iterator[RawBlock]:
        """The rows after the header, a piece of the file at a time, without empty rows (their
        numbers are skipped)."""
        held, self._held = self._held, None
        pieces = itertools.chain([held] if held is not None else [], self._blocks)
        while True:
            try:
                block = next(pieces)
            except StopIteration:
                return
            except csv.Error as error:
                raise ImportFileError(self._unreadable(error)) from error
            rows, records = block.rows, block.records
            kept = [k for k, record in enumerate(records) if record.strip(b",")]
            values = block.values
            if values is not None:
                kept = [k for k in kept if any(values[k] or ())]
            if len(kept) < len(records):
                block = RawBlock(
                    [rows[k] for k in kept],
                    [records[k] for k in kept],
                    [values[k] for k in kept] if values is not None else None,
                    block.start,
                    block.end,
                )
            if block.rows:
                yield block

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        for block in self.blocks():
            yield from zip(block.rows, self.values(block), strict=True)
            self.done(block, len(block.rows))

    def done(self, block: RawBlock, rows: int) -> None:
        """Progress: the first `rows` rows of the block are done (bytes, prorated)."""
        share = rows / len(block.rows) if block.rows else 1
        self._done = block.start + round((block.end - block.start) * share)

    def position(self) -> int:
        return self._done

    def close(self) -> None:
        self._raw.close()
        self._stream.close()


class _Prefixed(io.RawIOBase):
    """The bytes already sniffed, then the rest of the stream."""

    def __init__(self, head: bytes, stream: BinaryIO):
        self.head = head
        self.stream = stream

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.head:
            if size is None or size < 0:
                data, self.head = self.head + self.stream.read(), b""
                return data
            data, self.head = self.head[:size], self.head[size:]
            return data
        return self.stream.read(size)

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def xlsx_check(stream: BinaryIO, *, name: str) -> None:
    """Refuse a workbook before openpyxl reads it: not a zip, no workbook part, or members that
    declare more than COURTDASH_XLSX_MAX_UNCOMPRESSED_BYTES (each and together) or compress
    more than COURTDASH_XLSX_MAX_RATIO times (a zip bomb). The declared sizes are what zipfile
    will unpack at most, so checking them bounds what reading the file can take."""
    limit = settings.COURTDASH_XLSX_MAX_UNCOMPRESSED_BYTES
    max_ratio = settings.COURTDASH_XLSX_MAX_RATIO

    def refuse(reason: str) -> ImportFileError:
        return ImportFileError(
            _("%(source)s：不是可读取的XLSX文件：%(reason)s") % {"source": name, "reason": reason}
        )

    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise refuse(_("压缩包已损坏或不完整（%(error)s）") % {"error": error}) from error
    finally:
        stream.seek(0)
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise refuse(_("缺少工作簿（xl/workbook.xml）"))
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > limit or total > limit:
            raise refuse(_("解压后超过 %(limit)s，拒绝读取") % {"limit": filesizeformat(limit)})
        if member.file_size > RATIO_FLOOR_BYTES and member.file_size > max_ratio * max(
            member.compress_size, 1
        ):
            raise refuse(
                _("%(member)s 的压缩比超过 %(ratio)s 倍，疑似压缩炸弹，拒绝读取")
                % {"member": member.filename, "ratio": max_ratio}
            )


def _xlsx_reason(error: Exception) -> str:
    if isinstance(error, SyntaxError):
        return _("内部 XML 已损坏或不完整（%(error)s）") % {"error": error}
    return str(error) or type(error).__name__


class XlsxSource(Source):
    """The first sheet of a workbook, read-only (streamed). Date cells arrive as dates."""

    def __init__(self, stream: BinaryIO, *, name: str, size: int | None = None):
        import openpyxl

        self.name = name
        self.size = None
        self._stream = stream
        xlsx_check(stream, name=name)
        try:
            self._book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
            sheet = self._book.worksheets[0]
            self._rows = sheet.iter_rows(values_only=True)
            header = next(self._rows, None)
        except XLSX_ERRORS as error:
            raise ImportFileError(
                _("%(source)s：不是可读取的XLSX文件：%(error)s")
                % {"source": name, "error": _xlsx_reason(error)}
            ) from error
        if header is None or not any(cell not in (None, "") for cell in header):
            raise ImportFileError(_("%(source)s：文件为空或没有表头") % {"source": name})
        self.plan = ColumnPlan.from_header(header, source_name=name)
        self.row_count_hint = sheet.max_row
        self._position = 1

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        row_number = 1
        try:
            for cells in self._rows:
                row_number += 1
                self._position = row_number
                if any(cell is not None and cell != "" for cell in cells):
                    yield row_number, cells
        except XLSX_ERRORS as error:
            raise ImportFileError(
                _("%(source)s：第%(row)s行无法读取：%(error)s")
                % {"source": self.name, "row": row_number + 1, "error": error}
            ) from error

    def position(self) -> int:
        return self._position

    def close(self) -> None:
        self._book.close()
        self._stream.close()


class RecordsSource(Source):
    """JSON objects keyed by the DATA_FORMAT.md field names (the REST API)."""

    def __init__(self, records: Sequence[dict], *, name: str = "api"):
        self.name = name
        self.records = records
        keys: dict[str, None] = {}
        for record in records:
            if not isinstance(record, dict):
                raise ImportFileError(_("每条记录必须是一个 JSON 对象"))
            keys.update(dict.fromkeys(record))
        known = {column.name for column in COLUMNS}
        self.plan = ColumnPlan(
            # A record lacking a required field is that record's error, not the request's.
            indexes={column.name: index for index, column in enumerate(COLUMNS)},
            labels={column.name: column.name for column in COLUMNS},
            unknown=[str(key) for key in keys if key not in known],
        )
        self.row_count_hint = len(records)
        self._position = 0

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        names = [column.name for column in COLUMNS]
        for number, record in enumerate(self.records, start=1):
            self._position = number
            yield number, [record.get(name) for name in names]

    def position(self) -> int:
        return self._position


def size_check(size: int, *, name: str) -> None:
    """A file larger than COURTDASH_UPLOAD_MAX_BYTES is refused unread (ImportFileError)."""
    limit = settings.COURTDASH_UPLOAD_MAX_BYTES
    if size > limit:
        raise ImportFileError(size_message(size, name=name))


def size_message(size: int, *, name: str) -> str:
    return _("%(source)s：文件大小 %(size)s，超过上限 %(limit)s，请拆分后分批导入") % {
        "source": name,
        "size": filesizeformat(size),
        "limit": filesizeformat(settings.COURTDASH_UPLOAD_MAX_BYTES),
    }


def open_source(path: str | os.PathLike, *, name: str | None = None) -> Source:
    """Open a CSV or XLSX file (told apart by content, not by name) and read its header."""
    path = Path(path)
    name = name or path.name
    try:
        stream = path.open("rb")
        size = os.fstat(stream.fileno()).st_size
    except OSError as error:
        raise ImportFileError(
            _("%(source)s：无法打开文件：%(error)s") % {"source": name, "error": error.strerror}
        ) from error
    try:
        size_check(size, name=name)
        if stream.read(4) == ZIP_MAGIC:
            stream.seek(0)
            return XlsxSource(stream, name=name, size=size)
        stream.seek(0)
        return CsvSource(stream, name=name, size=size)
    except BaseException:
        stream.close()
        raise


def open_sources(paths: Iterable[str | os.PathLike]) -> list[Source]:
    """Open every file first: if one cannot be read, none is imported."""
    sources: list[Source] = []
    try:
        for path in paths:
            sources.append(open_source(path))
    except ImportFileError:
        for source in sources:
            source.close()
        raise
    return sources
