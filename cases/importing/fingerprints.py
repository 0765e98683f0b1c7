"""Fingerprints of CSV rows: a re-import of an unchanged row costs neither validation nor write.

A row's fingerprint is a 128-bit BLAKE2b digest of its record's bytes as the file holds them
(readers.RawBlock: without the line ending), after a prefix of the version, the file's
encoding and its header. Same prefix and same bytes mean the same cells under the same columns,
so the same record from the validator, which is pure. Every imported CSV row stores its
fingerprint on the case it writes (cases_case.import_hash). When a later import meets a row
whose fingerprint is stored on a case, that row is the very row that last wrote the case — given
the same validator (FINGERPRINT_VERSION), dates still not after today and a user allowed the
court, which the re-import checks anew (known.py). So the row is unchanged, as the upsert would
have found, without being parsed, validated or written.

Hashing the bytes, not the cells, spares an unchanged row the csv module, the decoding and the
joining (issue 13: a re-import at over 100,000 rows a second). A row written otherwise (quoted
where it was not, another line ending kept) is simply not recognised: it takes the ordinary way
once and stores its new fingerprint.
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Sequence

from cases.importing.columns import COLUMNS_BY_NAME
from cases.importing.readers import CsvSource, RawBlock
from cases.importing.validation import CONTROL_CHARACTERS

# Change when the validator or the record it gives changes: every stored fingerprint then
# stops matching, and the next import validates every row again.
FINGERPRINT_VERSION = "3\x1f"  # 3: the record's bytes (2: the SPC 2024 columns, issue 14)
SEPARATOR = "\x1f"
_WIDTH = len(COLUMNS_BY_NAME)


def clean(text: str) -> str:
    """Text as the validator cleans it (RowValidator: trimmed, control characters → spaces)."""
    text = text.strip()
    if not text.isprintable():
        text = text.translate(CONTROL_CHARACTERS).strip()
    return text


class Fingerprinter:
    """Fingerprints the rows of one CSV source."""

    def __init__(self, source: CsvSource):
        plan = source.plan
        self.source = source
        prefix = SEPARATOR.join((FINGERPRINT_VERSION, source.encoding, *source.header)) + "\n"
        self._prefixed = hashlib.blake2b(prefix.encode(), digest_size=16, usedforsecurity=False)
        width = max(plan.indexes.values(), default=-1) + 1
        self._padding = ("",) * width
        self._cells = operator.itemgetter(
            *(plan.indexes[name] + 1 if name in plan.indexes else 0 for name in COLUMNS_BY_NAME)
        )
        # A file with every column, in COLUMNS' order: a row of that many cells is its cells.
        self._in_order = [plan.indexes.get(name) for name in COLUMNS_BY_NAME] == list(range(_WIDTH))
        self._judge = plan.indexes["judge_name"]
        self._number = plan.indexes["case_number"]

    def cells(self, values: Sequence[str]) -> Sequence[str]:
        """A row's cells in the order of COLUMNS (a missing column: an empty cell)."""
        if self._in_order and len(values) == _WIDTH:
            return values
        return self._cells(("", *values, *self._padding))

    def digests(self, records: Sequence[bytes]) -> list[bytes]:
        """The fingerprints of the records, 16 bytes each."""
        prefixed = self._prefixed
        found = []
        append = found.append
        for record in records:
            hasher = prefixed.copy()
            hasher.update(record)
            append(hasher.digest())
        return found

    def hex_digests(self, records: Sequence[bytes]) -> list[str]:
        """The fingerprints as 32 hex digits (COPY's text for a uuid)."""
        return [digest.hex() for digest in self.digests(records)]

    def judge_names(self, block: RawBlock) -> list[str]:
        """Each row's judge's name as the validator reads it ("" where it cannot be read: the
        row then takes the ordinary way, which tells why)."""
        index, decoding = self._judge, self.source.decoding
        values = block.values
        names = []
        append = names.append
        for k, record in enumerate(block.records):
            cells = values[k] if values is not None else None
            if cells is None:
                parts = record.split(b",", index + 1)
                try:
                    append(clean(parts[index].decode(decoding)) if len(parts) > index else "")
                except UnicodeDecodeError:
                    append("")
            else:
                append(clean(cells[index]) if len(cells) > index else "")
        return names

    def case_number(self, block: RawBlock, k: int) -> str:
        """The k-th row's case number as written (trimmed)."""
        cells = self.source.row_values(block, k)
        return cells[self._number].strip() if len(cells) > self._number else ""
