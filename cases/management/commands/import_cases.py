"""python manage.py import_cases FILE… [--report FILE] [--dry-run] (DATA_FORMAT.md).

Exit status: 0 every row accepted; 1 some rows rejected (the good ones are kept); 2 a file could
not be read at all (nothing changed).
"""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from cases.importing import ImportFileError, case_import, open_sources
from cases.importing.services import summary_text

LARGE_FILE_BYTES = 5 * 1024 * 1024  # a progress bar from here on
SHOWN_ERRORS = 20


class Command(BaseCommand):
    help = "导入案件数据（CSV 或 XLSX，格式见 DATA_FORMAT.md）"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--report", metavar="FILE", help="被拒绝的行写入此 CSV 文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验并统计，不写入")

    def handle(self, *args, files, report=None, dry_run=False, verbosity=1, **options):
        try:
            sources = open_sources(files)
        except ImportFileError as error:
            self.stderr.write(str(error))
            self.stderr.write(_("没有导入任何数据。"))
            sys.exit(2)
        large = any((source.size or 0) >= LARGE_FILE_BYTES for source in sources)
        report_stream = None
        try:
            if report:
                # A BOM, so that Excel opens the Chinese report correctly.
                report_stream = open(report, "w", encoding="utf-8-sig", newline="")
            result = case_import(
                sources=sources,
                origin="command",
                dry_run=dry_run,
                report=report_stream,
                max_errors=SHOWN_ERRORS,
                progress=large and verbosity >= 1,
            )
        except ImportFileError as error:
            if report_stream is not None:
                report_stream.close()
                os.remove(report)  # no half report of a run that left nothing behind
            self.stderr.write(str(error))
            self.stderr.write(_("没有导入任何数据。"))
            sys.exit(2)
        finally:
            if report_stream is not None:
                report_stream.close()
        self._print(result, report)
        if result.rejected:
            sys.exit(1)

    def _print(self, result, report) -> None:
        for name, columns in result.unknown_columns.items():
            self.stdout.write(
                _("%(source)s：已忽略未知列：%(columns)s")
                % {"source": name, "columns": "、".join(columns)}
            )
        for error in result.errors:
            where = _("第%(row)s行") % {"row": error.row}
            if len(result.sources) > 1:
                where = f"{error.source} {where}"
            self.stdout.write(f"{where} {error.case_number}：{error.message}")
        if result.rejected > len(result.errors):
            self.stdout.write(_("……（仅显示前 %(count)s 条错误）") % {"count": len(result.errors)})
        if len(result.sources) > 1:
            for source in result.sources:
                self.stdout.write(f"{source.name}：{summary_text(source.counts())}")
        prefix = _("试运行（未写入）：") if result.dry_run else _("导入完成：")
        self.stdout.write(prefix + result.summary_text())
        if report and result.rejected:
            self.stdout.write(_("被拒绝的行已写入 %(path)s") % {"path": report})
