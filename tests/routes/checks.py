"""What the walker looks at in an answer: its status in words, its text (HTML, JSON, XLSX, CSV,
PDF), its messages; and whether the database changed (a fingerprint of every table)."""

from __future__ import annotations

import contextlib
import io
import json
import zipfile

from django.db import connection, transaction

# Not part of "nothing changed": who logged in (sessions, django-axes), the audit trail (every
# read and every refusal is recorded there by design) and the trail's record of a refusal.
NOT_STATE = {
    "django_session",
    "django_migrations",
    "cases_auditevent",
    "axes_accessattempt",
    "axes_accessfailurelog",
    "axes_accesslog",
}
TRAIL = "supervision_traceentry"
REFUSED = "refused"


def _tables() -> list[str]:
    return [t for t in sorted(connection.introspection.table_names()) if t not in NOT_STATE]


def _table_query(table: str) -> str:
    where = f" WHERE x.kind <> '{REFUSED}'" if table == TRAIL else ""
    return (
        f"SELECT '{table}', count(*), "
        f"md5(coalesce(string_agg(md5(x::text), '' ORDER BY md5(x::text)), '')) "
        f'FROM "{table}" x{where}'
    )


def fingerprint(tables: list[str] | None = None) -> dict[str, tuple[int, str]]:
    """Each table's row count and a hash of its rows (the trail's refusals left out)."""
    query = " UNION ALL ".join(_table_query(table) for table in tables or _tables())
    with connection.cursor() as cursor:
        cursor.execute(query)
        return {table: (count, digest) for table, count, digest in cursor.fetchall()}


def activity() -> dict[str, int]:
    """Rows written so far in this transaction, per table (PostgreSQL's own counters)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
        )
        return dict(cursor.fetchall())


class Watch:
    """What a request changed, against the city as built (`base`: every request starts from
    it, each in a savepoint rolled back). PostgreSQL's counters say which tables were written
    at all; only those are hashed again."""

    base: dict[str, tuple[int, str]] = {}

    def __init__(self):
        self.before = activity()
        self.changed: list[str] = []

    def stop(self) -> list[str]:
        after = activity()
        touched = [
            table
            for table, count in after.items()
            if count != self.before.get(table, 0) and table in Watch.base
        ]
        if touched:
            now = fingerprint(touched)
            self.changed = changed_tables({t: Watch.base[t] for t in touched}, now)
        return self.changed


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(
        f"{table} ({before.get(table, (0,))[0]}→{after.get(table, (0,))[0]} rows)"
        for table in set(before) | set(after)
        if before.get(table) != after.get(table)
    )


@contextlib.contextmanager
def isolated():
    """One request's effects, rolled back afterwards: every request starts from the city."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def messages_of(response) -> list[tuple[str, str]]:
    """The messages this request added (the messages cookie is cleared before each request)."""
    storage = getattr(response.wsgi_request, "_messages", None)
    if storage is None:
        return []
    loaded = getattr(storage, "_loaded_data", None) or []
    return [(m.level_tag, str(m.message)) for m in [*loaded, *storage._queued_messages]]


def errors_of(response) -> list[str]:
    return [text for level, text in messages_of(response) if "error" in level]


def is_xlsx(content: bytes) -> bool:
    return content[:2] == b"PK"


def xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    cells = []
    for sheet in book.worksheets:
        cells.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            cells.extend(str(value) for value in row if value is not None)
    # Header/footer, comments and shared strings not read above: the raw XML too.
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                cells.append(archive.read(name).decode("utf-8", "replace"))
    return "\n".join(cells)


def text_of(response) -> str:
    """What a person would read in the answer, whatever its format."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind or (is_xlsx(content) and "json" not in kind):
        return xlsx_text(content)
    if "json" in kind:
        try:
            return json.dumps(json.loads(content), ensure_ascii=False)
        except ValueError:
            pass
    return content.decode("utf-8", "replace")


def json_of(response):
    if "json" not in response.get("Content-Type", ""):
        return None
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def describe(response) -> str:
    """The answer in a few words: "200", "302 → /accounts/login/…", "302 + error: …"."""
    words = str(response.status_code)
    failure = getattr(response, "exc_info", None)
    if failure and failure[1] is not None:
        words += f" ({type(failure[1]).__name__}: {str(failure[1])[:100]})"
    location = response.get("Location", "")
    if location:
        words += f" → {location[:60]}"
    errors = errors_of(response)
    if errors:
        words += f" + error message “{errors[0][:60]}”"
    if response.status_code in (400, 403, 404) and "json" in response.get("Content-Type", ""):
        words += f" {response.content[:120].decode('utf-8', 'replace')}"
    if response.status_code == 200 and "json" in response.get("Content-Type", ""):
        data = json_of(response)
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            words += f" ({len(data['results'])} results)"
        elif isinstance(data, list):
            words += f" ({len(data)} items)"
    return words
