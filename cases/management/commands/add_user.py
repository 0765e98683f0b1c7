"""python manage.py add_user USERNAME --role ROLE --court CODE [--division NAME] [--judge-id ID]
[--password P] [--email E]"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases.accounts import ProvisioningError, unit_describe, user_provision
from cases.choices import Role
from cases.models import Court, Judge


class Command(BaseCommand):
    help = _("创建或更新一个用户：角色、所属法院与部门（承办法官须关联工号）。")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--role", required=True, help=_("角色：%(roles)s") % {"roles": ", ".join(Role.values)}
        )
        parser.add_argument("--court", required=True, help=_("法院代码，如 苏0505"))
        parser.add_argument("--division", help=_("部门名称，如 民一庭（庭长、质效分析员必填）"))
        parser.add_argument("--judge-id", help=_("承办人工号（承办法官必填）"))
        parser.add_argument("--password", help=_("密码；不填则为新用户生成一个强密码并显示一次"))
        parser.add_argument("--email", help=_("电子邮箱"))

    def handle(self, *args, **options):
        role = options["role"]
        if role not in Role.values:
            raise CommandError(
                _("未知角色“%(role)s”，可选：%(roles)s")
                % {"role": role, "roles": ", ".join(Role.values)}
            )
        court = Court.objects.filter(code=options["court"]).first()
        if court is None:
            raise CommandError(_("法院“%(code)s”不存在") % {"code": options["court"]})
        division = None
        if options["division"]:
            division = court.divisions.filter(name=options["division"]).first()
            if division is None:
                raise CommandError(
                    _("%(court)s没有部门“%(division)s”")
                    % {"court": court.name, "division": options["division"]}
                )
        judge = None
        if options["judge_id"]:
            judge = Judge.objects.filter(court=court, staff_id=options["judge_id"]).first()
            if judge is None:
                raise CommandError(
                    _("%(court)s没有工号为“%(staff_id)s”的法官")
                    % {"court": court.name, "staff_id": options["judge_id"]}
                )
        try:
            result = user_provision(
                username=options["username"],
                role=role,
                court=court,
                division=division,
                judge=judge,
                password=options["password"],
                email=options["email"],
                source="add_user",
            )
        except ProvisioningError as error:
            raise CommandError(str(error)) from error
        user = result.user
        message = _("已创建用户 %(username)s") if result.created else _("已更新用户 %(username)s")
        self.stdout.write(
            self.style.SUCCESS(message % {"username": user.username})
            + _("（%(role)s，%(scope)s）")
            % {"role": Role(user.role).label, "scope": unit_describe(user)}
        )
        if result.password:
            self.stdout.write(
                _("初始密码（只显示这一次）：%(password)s") % {"password": result.password}
            )
        elif not options["password"]:
            self.stdout.write(_("密码未更改。"))
