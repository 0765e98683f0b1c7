"""python manage.py seed_demo [--cases N] [--province] [--seed S] [--today YYYY-MM-DD] ..."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases.dates import date_argument
from cases.dates import today as app_today
from cases.demo import DEMO_PASSWORD, DemoLoadError, demo_seed


class Command(BaseCommand):
    help = _(
        "生成演示数据：苏州市中级人民法院及8个基层法院、约600名法官、五年的案件，"
        "以及每个角色一个演示账号。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=200_000, help=_("案件数（默认200000）"))
        parser.add_argument(
            "--seed", type=int, default=2026, help=_("随机种子：同一种子生成相同数据")
        )
        parser.add_argument("--today", help=_("“今天”（YYYY-MM-DD），默认为系统的今天"))
        parser.add_argument(
            "--reset", action="store_true", help=_("先删除已有的案件、法官、部门和法院")
        )
        parser.add_argument(
            "--write-file",
            type=Path,
            metavar="PATH",
            help=_(
                "把同样的案件写成导入文件（CSV，DATA_FORMAT.md）；不写入数据库，除非同时加 --load"
            ),
        )
        parser.add_argument(
            "--headers", choices=["en", "zh"], default="en", help=_("导入文件的表头：英文或中文")
        )
        parser.add_argument(
            "--load", action="store_true", help=_("与 --write-file 同用：写文件的同时写入数据库")
        )
        parser.add_argument(
            "--province",
            action="store_true",
            help=_(
                "生成演示省份：江苏省高级人民法院、13个中级人民法院及其基层法院（共108个法院），"
                "分批生成和写入，内存占用不随案件数增长；苏州的演示账号不变，另加高院的账号"
            ),
        )
        parser.add_argument("--no-accounts", action="store_true", help=_("不创建演示账号"))
        parser.add_argument(
            "--no-supervision",
            action="store_true",
            help=_("只写案件和账号，不写一年的督办、评查、体检、季度目标和月度讲评"),
        )
        parser.add_argument(
            "--monthly-reviews",
            type=int,
            default=2,
            metavar="N",
            help=_("生成并保存最近N个月的月度讲评（PDF和XLSX，每月约需数秒；默认2）"),
        )
        parser.add_argument(
            "--password", default=DEMO_PASSWORD, help=_("演示账号的共同密码（默认 %(default)s）")
        )

    def handle(self, *args, **options):
        count = options["cases"]
        if count < 1:
            raise CommandError(_("案件数必须大于0"))
        today = date_argument(options["today"]) if options["today"] else app_today()
        write_file = options["write_file"]
        load = write_file is None or options["load"]
        verbose = options["verbosity"] >= 1
        try:
            result = demo_seed(
                count=count,
                seed=options["seed"],
                today=today,
                reset=options["reset"],
                load=load,
                write_file=write_file,
                headers=options["headers"],
                accounts=not options["no_accounts"],
                password=options["password"],
                progress=self.stdout.write if verbose else (lambda message: None),
                steps=not options["no_supervision"],
                monthly_reviews=max(options["monthly_reviews"], 0),
                province=options["province"],
            )
        except DemoLoadError as error:
            raise CommandError(str(error)) from error
        if write_file is not None:
            self.stdout.write(
                _("已写入 %(count)d 件案件到 %(path)s")
                % {"count": result.cases, "path": write_file}
            )
        if load:
            self.stdout.write(
                self.style.SUCCESS(
                    _("已写入 %(courts)d 个法院、%(divisions)d 个部门、%(judges)d 名法官、"
                      "%(cases)d 件案件（截至 %(today)s）。")
                    % {"courts": result.courts, "divisions": result.divisions,
                       "judges": result.judges, "cases": result.cases, "today": today}
                )
            )  # fmt: skip
        if result.accounts:
            self._accounts_table(result.accounts)
        for username in result.users_without_unit:
            self.stderr.write(
                _("用户 %(username)s 原所属的法院、部门或法官已不存在，请重新分配。")
                % {"username": username}
            )

    def _accounts_table(self, accounts):
        header = (_("用户名"), _("角色"), _("范围"), _("密码"))
        rows = [header, *((a.username, a.role, a.scope, a.password) for a in accounts)]
        widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
        self.stdout.write("")
        for row in rows:
            self.stdout.write(
                "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row))
            )


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)
