"""Keyset (seek) pagination for case lists that can be city-sized.

A page is "the next `size` rows after this row" (or before it) in the list's order, asked of
an index that holds that order: its cost does not grow with the page's depth, where
LIMIT/OFFSET reads and throws away every row before the page. There is no page count and no
exact total: the total is counted only up to a cap (`capped_count`), so a list of a million
rows costs a count of `COUNT_CAP` + 1 rows at most.

Every key of an order is NOT NULL (a nullable column is ordered through a Coalesce to a
sentinel, as the list's index does) and the last key is unique, so the order is total and a
row's key values say exactly where it stands. The cursor in the URL is the key values of a
row, base64-encoded JSON: it is untrusted, and one that does not decode into values of the
keys' types is ignored (the first page is shown), never an error.

Why not a library: django-cursor-pagination and DRF's CursorPagination order by one field
(DRF: with an offset for ties); the lists here order by two or three keys in mixed directions
over expressions, which needs the row comparison built below (the OR-expanded form, led by a
plain range on the first key so that PostgreSQL seeks the index).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce

COUNT_CAP = 10_000

# Coalesce sentinels: a missing date sorts after every real one (NULLS LAST), as the indexes
# on these expressions say.
LAST_DATE = datetime.date(9999, 12, 31)


def last_if_null(name: str) -> Coalesce:
    """A nullable date as a NOT NULL key that sorts a missing date last: the expression of
    the lists' keys and of their indexes alike (cases.models.Case.Meta.indexes)."""
    return Coalesce(F(name), Value(LAST_DATE))


@dataclass(frozen=True)
class Key:
    """One key of a list's order: a field or annotation name, its direction, and how a cursor
    value of it is read back from JSON."""

    name: str
    descending: bool = False
    parse: Callable[[object], object] = str

    @property
    def ordering(self) -> str:
        return f"-{self.name}" if self.descending else self.name


def date_value(value) -> datetime.date:
    return datetime.date.fromisoformat(value)


def int_value(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(value)
    return value


def str_value(value) -> str:
    if not isinstance(value, str):
        raise ValueError(value)
    return value


def encode_cursor(values: Sequence) -> str:
    plain = [value.isoformat() if isinstance(value, datetime.date) else value for value in values]
    text = json.dumps(plain, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(token: str | None, keys: Sequence[Key]) -> list | None:
    """The key values in a cursor, or None if it is absent or not a cursor of these keys."""
    if not token or len(token) > 1000:
        return None
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        values = json.loads(text)
        if not isinstance(values, list) or len(values) != len(keys):
            return None
        return [key.parse(value) for key, value in zip(keys, values, strict=True)]
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError, OverflowError):
        return None


def after_q(keys: Sequence[Key], values: Sequence, *, reverse: bool = False) -> Q:
    """Rows after the row with these key values in the keys' order (before it if `reverse`):
    (k1 > v1) OR (k1 = v1 AND k2 > v2) OR …, each `>` a `<` for a descending key, and led by
    k1 >= v1, a plain range an index on k1 can seek."""

    def beyond(key: Key) -> str:
        return "lt" if key.descending != reverse else "gt"

    expanded = Q(pk__in=[])
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        expanded |= equal & Q(**{f"{key.name}__{beyond(key)}": value})
        equal &= Q(**{key.name: value})
    first = keys[0]
    return Q(**{f"{first.name}__{beyond(first)}e": values[0]}) & expanded


def capped_count(rows: QuerySet, cap: int = COUNT_CAP) -> int:
    """How many rows, counted no further than cap + 1 (more than `cap` means "cap+")."""
    return rows.order_by()[: cap + 1].count()


@dataclass
class KeysetPage:
    """One page of a keyset-paginated list: its rows and the cursors either side.

    `count` is the list's size if known (exact up to COUNT_CAP), `count_capped` whether
    it is a floor ("10,000+"). Iterating the page iterates its rows.
    """

    object_list: list
    keys: Sequence[Key]
    has_next: bool
    has_previous: bool
    count: int | None = None
    count_capped: bool = False
    number: int | None = field(default=None)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def __bool__(self) -> bool:
        return True  # an empty page still shows its pager ("共 0 条")

    def cursor_of(self, row) -> str:
        return encode_cursor([getattr(row, key.name) for key in self.keys])

    @property
    def next_cursor(self) -> str | None:
        return self.cursor_of(self.object_list[-1]) if self.has_next else None

    @property
    def previous_cursor(self) -> str | None:
        return self.cursor_of(self.object_list[0]) if self.has_previous else None


def keyset_page(
    rows: QuerySet,
    keys: Sequence[Key],
    *,
    after: str | None = None,
    before: str | None = None,
    size: int = 50,
) -> KeysetPage:
    """The page of `rows` (annotated with every key) after the cursor `after`, or before the
    cursor `before`, or the first page. Two cursors, a bad one, or none: the first page."""
    forward = [key.ordering for key in keys]
    backward = [key.name if key.descending else f"-{key.name}" for key in keys]
    after_values = decode_cursor(after, keys)
    before_values = decode_cursor(before, keys) if after_values is None else None
    if before_values is not None:
        earlier = rows.filter(after_q(keys, before_values, reverse=True)).order_by(*backward)
        found = list(earlier[: size + 1])
        has_previous = len(found) > size
        return KeysetPage(
            object_list=list(reversed(found[:size])),
            keys=keys,
            has_next=True,
            has_previous=has_previous,
        )
    if after_values is not None:
        rows = rows.filter(after_q(keys, after_values))
    found = list(rows.order_by(*forward)[: size + 1])
    return KeysetPage(
        object_list=found[:size],
        keys=keys,
        has_next=len(found) > size,
        has_previous=after_values is not None,
        number=None if after_values is not None else 1,
    )
