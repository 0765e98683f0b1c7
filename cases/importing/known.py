"""The fingerprints of the cases already here, held in memory for a re-import (issue 13).

A re-import of an export is mostly rows that last wrote their case (fingerprints.py). Asking
the database about each chunk's rows cost more than reading them; instead the run reads once,
at its start, every stored fingerprint that a row could still match — of a court the user may
import, the case's judge has the case's division, its dates are not after today — with the
case's judge (a few large values; 25 bytes a case in memory), and matches each chunk against
it in numpy. A row matches when its
fingerprint is stored, the judge it names still has the name it gives, the user may import the
court, and nothing this run did since the start touched that case or judge:

- a case named by a row that was validated and staged (a changed row) is *touched*: a later
  row with the case's old fingerprint is validated after all, and the database's duplicate
  check sees both (the writer looks up the cases that a chunk's staged rows name);
- a judge named otherwise by such a row is *stale*: the latest row naming a judge wins, so a
  later unchanged row naming them as before is validated and staged after all.

Duplicates among matched rows are found here, exactly: a fingerprint names one case, so two
matched rows of one case are two rows with one position. A staged row of a case that a matched
row named earlier in the same source is told to the database's duplicate check
(`registered`), which gives the same error the plain import gives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

# Each stored fingerprint with its case's judge, 20 bytes (uuid, int4) end to end, in groups of
# 65,536 case ids: a few large values instead of a million rows, which the driver would hand
# over one by one.
_ENTRY = np.dtype([("hi", ">u8"), ("lo", ">u8"), ("judge", ">i4")])
KNOWN_FINGERPRINTS = """
    SELECT string_agg(uuid_send(c.import_hash) || int4send(c.judge_id::integer), ''::bytea)
    FROM cases_case c
    JOIN cases_judge j ON j.id = c.judge_id
    WHERE c.import_hash IS NOT NULL AND j.court_id = c.court_id
      AND j.division_id = c.division_id
      AND c.filed_on <= %(today)s AND (c.closed_on IS NULL OR c.closed_on <= %(today)s)
      {courts}
    GROUP BY c.id >> 16
"""

KNOWN_JUDGES = """
    SELECT j.id, c.code, j.staff_id, j.name, d.name FROM cases_judge j
    JOIN cases_court c ON c.id = j.court_id JOIN cases_division d ON d.id = j.division_id
    ORDER BY j.id
"""


def _read_entries(
    connection, today, courts: list[int] | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stored fingerprints (KNOWN_FINGERPRINTS) of those courts (None: all): their first
    and last 64 bits and their judges, read a group at a time through a server-side cursor, so
    that memory holds the three arrays, not the answer's bytes as well."""
    his, los, judges = [], [], []
    query = KNOWN_FINGERPRINTS.format(
        courts="" if courts is None else "AND c.court_id = ANY(%(courts)s::bigint[])"
    )
    with connection.cursor(name="courtdash_known_fingerprints") as cursor:
        cursor.itersize = 4
        cursor.execute(query, {"today": today, "courts": courts})
        for (value,) in cursor:
            part = np.frombuffer(value, dtype=_ENTRY)
            his.append(part["hi"].astype(np.uint64))
            los.append(part["lo"].astype(np.uint64))
            judges.append(part["judge"].astype(np.int64))
    if not his:
        return np.zeros(0, np.uint64), np.zeros(0, np.uint64), np.zeros(0, np.int64)
    return np.concatenate(his), np.concatenate(los), np.concatenate(judges)


class KnownCases:
    """The stored fingerprints that rows of this run may match, and what the run touched."""

    def __init__(self, cursor, *, today, court_allowed: Callable[[str], bool] | None):
        # One pass over the table: never a nested loop of index scans per judge, which the
        # planner may choose on a table whose statistics predate the last large import.
        cursor.execute("SET LOCAL enable_nestloop = off")
        # Only the courts the user may import: a court's office re-importing its export in a
        # province reads its own court's fingerprints, not the province's.
        courts = None
        if court_allowed is not None:
            cursor.execute("SELECT id, code FROM cases_court")
            courts = [court for court, code in cursor.fetchall() if court_allowed(code)]
        hi, lo, judge_ids = _read_entries(cursor.connection, today, courts)
        cursor.execute("RESET enable_nestloop")
        order = np.argsort(hi, kind="stable")
        hi = hi[order]
        # Two fingerprints sharing their first 64 bits (about one in 10^7 at 20M cases) are
        # left out: such a row takes the ordinary way.
        alone = np.ones(len(hi), dtype=bool)
        if len(hi) > 1:
            same = hi[1:] == hi[:-1]
            alone[1:] &= ~same
            alone[:-1] &= ~same
        order = order[alone]
        self.hi = hi[alone]
        del hi
        self.lo = lo[order]
        del lo
        judge_ids = judge_ids[order]
        del order

        cursor.execute(KNOWN_JUDGES)
        judges = cursor.fetchall()
        ids = np.array([judge_id for judge_id, *_rest in judges], dtype=np.int64)
        self.judge = np.searchsorted(ids, judge_ids).astype(np.int32)  # every one is there
        self.judge_name = np.array(
            [name for _id, _court, _staff, name, _division in judges], dtype=object
        )
        self._as_loaded = {
            (court, staff): (k, (name, division))
            for k, (_id, court, staff, name, division) in enumerate(judges)
        }
        self.judge_allowed = np.array(
            [court_allowed is None or court_allowed(court) for _id, court, *_r in judges] or [True],
            dtype=bool,
        )
        self.judge_stale = np.zeros(max(len(judges), 1), dtype=bool)
        self.touched = np.zeros(len(self.hi), dtype=bool)
        self.seen = np.zeros(len(self.hi), dtype=np.int32)
        # Whether every row the run wrote since the fingerprints were read was followed here
        # (touch, named); when not, the run reads them again before its next CSV source.
        self.current = True

    def __len__(self) -> int:
        return len(self.hi)

    def start_source(self) -> None:
        """Duplicates are looked for within one source."""
        self.seen[:] = 0

    def positions(self, digests: bytes, count: int) -> np.ndarray:
        """Each row's position among the stored fingerprints, -1 where it has none. `digests`:
        the rows' 16-byte fingerprints end to end."""
        if not len(self.hi):
            return np.full(count, -1, dtype=np.int64)
        pairs = np.frombuffer(digests, dtype=">u8").reshape(count, 2)
        hi, lo = pairs[:, 0].astype(np.uint64), pairs[:, 1].astype(np.uint64)
        found = np.minimum(np.searchsorted(self.hi, hi), len(self.hi) - 1)
        return np.where((self.hi[found] == hi) & (self.lo[found] == lo), found, -1)

    def candidates(self, positions: np.ndarray, judge_names: Sequence[str]) -> np.ndarray:
        """Whether each row's fingerprint is stored and its judge is named as they are."""
        found = positions >= 0
        at = positions[found]
        given = np.array(judge_names, dtype=object)[found]
        result = np.zeros(len(positions), dtype=bool)
        result[found] = self.judge_name[self.judge[at]] == given
        return result

    def admitted(self, positions: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """Those of the candidates that may be taken as unchanged now: the court allowed, the
        case and the judge untouched by this run so far."""
        result = candidates.copy()
        at = positions[candidates]
        judges = self.judge[at]
        result[candidates] = (
            self.judge_allowed[judges] & ~self.judge_stale[judges] & ~self.touched[at]
        )
        return result

    def named(self, court_code: str, staff_id: str, name: str, division: str) -> None:
        """A staged row names this judge so: rows naming them otherwise are no longer matched."""
        loaded = self._as_loaded.get((court_code, staff_id))
        if loaded is not None:
            judge, as_loaded = loaded
            self.judge_stale[judge] = (name, division) != as_loaded

    def touch(self, position: int) -> None:
        self.touched[position] = True

    def seen_positions(self) -> tuple[np.ndarray, np.ndarray]:
        """The positions, and first rows, of the cases that matched rows named so far."""
        at = np.flatnonzero(self.seen)
        return at, self.seen[at]

    def uuid_hex(self, position: int) -> str:
        return f"{int(self.hi[position]):016x}{int(self.lo[position]):016x}"
