"""Case-record import (DATA_FORMAT.md): one validator and one writer behind three doors —
the `import_cases` command, the REST bulk upsert and the office's upload page.

    sources = open_sources(paths)                     # reads headers; ImportFileError if not
    result = case_import(sources=sources, actor=user, report=stream)
    result.created, result.updated, result.unchanged, result.rejected, result.errors
"""

from cases.importing.readers import ImportFileError, RecordsSource, open_source, open_sources
from cases.importing.services import ImportResult, case_import, import_court_rule
from cases.importing.validation import RowError

__all__ = [
    "ImportFileError",
    "ImportResult",
    "RecordsSource",
    "RowError",
    "case_import",
    "import_court_rule",
    "open_source",
    "open_sources",
]
