"""Account provisioning: one user per person, with one role held in one unit (DOMAIN.md)."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.choices import AuditAction, CourtLevel, Role
from cases.models import Court, Division, Judge, User
from cases.services import audit_record
from cases.units import DIVISION_ROLES, top_unit_name

PASSWORD_SYMBOLS = "-_!@#%+=?"


class ProvisioningError(ValueError):
    """Input that cannot make a valid account; the message is for the user."""


@dataclass(frozen=True)
class Provisioned:
    user: User
    created: bool
    password: str | None  # the generated password, to be shown once; None if not generated


def password_generate(length: int = 18) -> str:
    """A random password with lower and upper case letters, digits and a symbol."""
    alphabet = string.ascii_letters + string.digits + PASSWORD_SYMBOLS
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if (
            any(c.islower() for c in password)
            and any(c.isupper() for c in password)
            and any(c.isdigit() for c in password)
            and any(c in PASSWORD_SYMBOLS for c in password)
        ):
            return password


def unit_describe(user: User) -> str:
    """The unit a user's role reaches, in words: 苏州市虎丘区人民法院 民一庭 王磊（J0107）."""
    if user.is_superuser:
        return _("全部（超级用户）")
    if user.judge_id:
        judge = user.judge
        return f"{judge.court.name} {judge.division.name if judge.division else ''} {judge}"
    if user.role in DIVISION_ROLES and user.division_id:
        return f"{user.division.court.name} {user.division.name}"
    if user.court_id:
        if user.court.parent_id is None and user.court.level != CourtLevel.BASIC:
            # The deployment's top court: its people reach the top unit (cases.units).
            return _("%(court)s（%(top)s）") % {"court": user.court.name, "top": top_unit_name()}
        return user.court.name
    return _("无")


@transaction.atomic
def user_provision(
    *,
    username: str,
    role: str,
    court: Court,
    division: Division | None = None,
    judge: Judge | None = None,
    password: str | None = None,
    password_hash: str | None = None,
    email: str | None = None,
    full_name: str | None = None,
    source: str = "",
) -> Provisioned:
    """Create or update a user with a role in a unit, and record it in the audit trail.

    A judge needs their Judge record (in `court`); a division head or an analyst a division
    of `court`. Without a password a new user gets a generated one; an existing user keeps
    theirs. `password_hash` (already hashed, e.g. one demo password shared by many accounts)
    stands in for `password`.
    """
    if role not in Role.values:
        raise ProvisioningError(
            _("未知角色“%(role)s”，可选：%(roles)s")
            % {"role": role, "roles": ", ".join(Role.values)}
        )
    if judge is not None:
        if judge.court_id != court.id:
            raise ProvisioningError(
                _("法官 %(judge)s 不属于 %(court)s") % {"judge": judge, "court": court.name}
            )
        if division is not None and judge.division_id != division.id:
            raise ProvisioningError(
                _("法官 %(judge)s 不在 %(division)s") % {"judge": judge, "division": division.name}
            )
        division = division or judge.division
    if division is not None and division.court_id != court.id:
        raise ProvisioningError(
            _("部门 %(division)s 不属于 %(court)s")
            % {"division": division.name, "court": court.name}
        )
    if role == Role.JUDGE and judge is None:
        raise ProvisioningError(_("承办法官角色必须指定法官工号（--judge-id）"))
    if role in DIVISION_ROLES and division is None:
        raise ProvisioningError(
            _("%(role)s角色必须指定部门（--division）") % {"role": Role(role).label}
        )
    if role != Role.JUDGE:
        judge = None
    user = get_user_model().objects.filter(username=username).first()
    created = user is None
    if created:
        user = get_user_model()(username=username)
    if judge is not None:
        holder = User.objects.filter(judge=judge).exclude(pk=user.pk).first()
        if holder is not None:
            raise ProvisioningError(
                _("法官 %(judge)s 已关联用户 %(username)s")
                % {"judge": judge, "username": holder.username}
            )
    generated = None
    if password_hash is not None:
        user.password = password_hash
    elif password is None and created:
        password = generated = password_generate()
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ProvisioningError(
                _("密码不符合要求：%(reasons)s") % {"reasons": " ".join(error.messages)}
            ) from error
        user.set_password(password)
    user.role = role
    user.court = court
    user.division = division
    user.judge = judge
    if email is not None:
        user.email = email
    if full_name is not None:
        user.first_name = full_name
    user.save()
    audit_record(
        action=AuditAction.USER_CHANGE,
        object_type="user",
        object_id=username,
        detail={
            "username": username,
            "created": created,
            "role": role,
            "court": court.code,
            "division": division.name if division else "",
            "judge": judge.staff_id if judge else "",
            "password_changed": password is not None or password_hash is not None,
            "source": source,
        },
    )
    return Provisioned(user=user, created=created, password=generated)
