"""Courts, divisions, people, users, time limits, cases and the audit trail."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    AuditAction,
    Category,
    ClosingMethod,
    CourtLevel,
    Outcome,
    Procedure,
    Role,
    Track,
)
from cases.keyset import last_if_null
from cases.querysets import AuditEventQuerySet, CaseQuerySet, days_between, pending_filed_on
from cases.units import UnitPaths, UnitScopedModel


class AppendOnlyModel(models.Model):
    """A record written once and never changed: the model refuses to update or delete it, and
    a database trigger (courtdash_append_only, cases migration 0002) refuses it in SQL too."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(f"{self._meta.label} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{self._meta.label} is append-only")


class Court(UnitScopedModel):
    code = models.CharField(_("法院代码"), max_length=16, unique=True)
    name = models.CharField(_("法院名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=CourtLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级法院"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    # A court sees itself; its people see their own court (and the city, its parent) too.
    unit_paths = UnitPaths(court="id", division=None, judge=None, ancestors=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("法院")
        verbose_name_plural = _("法院")

    def __str__(self) -> str:
        return self.name


class Division(UnitScopedModel):
    court = models.ForeignKey(
        Court, verbose_name=_("法院"), on_delete=models.PROTECT, related_name="divisions"
    )
    name = models.CharField(_("部门"), max_length=50)

    unit_paths = UnitPaths(division="id", judge=None, ancestors=True)

    class Meta:
        ordering = ["court__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["court", "name"], name="division_unique_name")
        ]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return f"{self.court.code} {self.name}"


class Judge(UnitScopedModel):
    """A handling judge (承办人) as the case records name them: staff number within a court."""

    court = models.ForeignKey(
        Court, verbose_name=_("法院"), on_delete=models.PROTECT, related_name="judges"
    )
    division = models.ForeignKey(
        Division,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="judges",
    )
    staff_id = models.CharField(_("承办人工号"), max_length=32)
    name = models.CharField(_("承办人"), max_length=50)

    unit_paths = UnitPaths(judge="id", ancestors=True)

    class Meta:
        ordering = ["court__code", "staff_id"]
        constraints = [
            models.UniqueConstraint(fields=["court", "staff_id"], name="judge_unique_staff_id")
        ]
        verbose_name = _("法官")
        verbose_name_plural = _("法官")

    def __str__(self) -> str:
        return f"{self.name}（{self.staff_id}）"


class User(AbstractUser):
    """A person who logs in, with one role and the unit that role is held in (DOMAIN.md)."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    court = models.ForeignKey(
        Court,
        verbose_name=_("法院"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    division = models.ForeignKey(
        Division,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    judge = models.OneToOneField(
        Judge,
        verbose_name=_("法官"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def display_name(self) -> str:
        """As people call them: the full name, else the username."""
        return self.get_full_name() or self.get_username()


class TimeLimit(models.Model):
    """A statutory time limit (审限) by category, procedure, track and type code (DOMAIN.md).

    A blank track or type code matches any; the most specific row wins. Seeded by a migration,
    edited by the office; a change recomputes the deadlines of the cases it touches.
    """

    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    procedure = models.CharField(_("程序"), max_length=24, choices=Procedure.choices)
    track = models.CharField(_("适用程序"), max_length=16, choices=Track.choices, blank=True)
    type_code = models.CharField(_("类型代字"), max_length=8, blank=True)
    months = models.PositiveSmallIntegerField(_("月"), default=0)
    days = models.PositiveSmallIntegerField(_("日"), default=0)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "procedure", "track", "type_code"], name="time_limit_unique"
            )
        ]
        verbose_name = _("审限")
        verbose_name_plural = _("审限")

    def __str__(self) -> str:
        length = f"{self.months}个月" if self.months else f"{self.days}日"
        return f"{self.get_category_display()}{self.get_procedure_display()} {length}"


class Case(UnitScopedModel):
    """One case record (一个案号), as DATA_FORMAT.md, plus what derives from it."""

    # Unique by constraint, not unique=True: no LIKE index, which no query here uses.
    case_number = models.CharField(_("案号"), max_length=64)
    year = models.PositiveSmallIntegerField(_("年度"))
    # No index of its own: case_unit_idx (court, division, judge) serves it.
    court = models.ForeignKey(
        Court,
        verbose_name=_("法院"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    type_code = models.CharField(_("类型代字"), max_length=8)
    serial = models.PositiveIntegerField(_("序号"))
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    procedure = models.CharField(_("程序"), max_length=24, choices=Procedure.choices)
    division = models.ForeignKey(
        Division, verbose_name=_("承办部门"), on_delete=models.PROTECT, related_name="cases"
    )
    judge = models.ForeignKey(
        Judge, verbose_name=_("承办人"), on_delete=models.PROTECT, related_name="cases"
    )
    track = models.CharField(_("适用程序"), max_length=16, choices=Track.choices, blank=True)
    cause = models.CharField(_("案由"), max_length=100, blank=True)
    filed_on = models.DateField(_("立案日期"))
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    closing_method = models.CharField(
        _("结案方式"), max_length=32, choices=ClosingMethod.choices, blank=True
    )
    deadline_on = models.DateField(_("审限届满日期（来源）"), null=True, blank=True)
    extension_days = models.PositiveIntegerField(_("延长审限天数"), default=0)
    excluded_days = models.PositiveIntegerField(_("扣除审限天数"), default=0)
    # Courtdash's own decisions, never written by an import: the case's total extension days as
    # of its latest extension approved here (the imported total then + the days approved).
    # The deadline counts the larger of the two totals, so a re-import never takes an approval
    # back, and the source's later record of the same extension is not counted twice.
    approved_extension_days = models.PositiveIntegerField(
        _("延长审限天数（本系统审批）"),
        default=0,
        db_default=0,  # the import inserts in SQL
    )
    origin_case_number = models.CharField(_("原审案号"), max_length=64, blank=True)
    appealed = models.BooleanField(_("是否上诉"), null=True, blank=True)
    appeal_outcome = models.CharField(
        _("二审结果"), max_length=16, choices=Outcome.choices, blank=True
    )
    appeal_decided_on = models.DateField(_("二审结案日期"), null=True, blank=True)
    retrial_outcome = models.CharField(
        _("再审结果"), max_length=16, choices=Outcome.choices, blank=True
    )
    retrial_decided_on = models.DateField(_("再审结案日期"), null=True, blank=True)
    amount_applied = models.DecimalField(
        _("申请执行标的额"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    amount_recovered = models.DecimalField(
        _("执行到位金额"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    # Optional columns a source system may not export (DATA_FORMAT.md): empty is "not
    # recorded", never false (the SPC's 2024 indicators 16 and 17 say "no data" then).
    hearing_held = models.BooleanField(_("是否开庭"), null=True, blank=True)
    appeal_lodged_on = models.DateField(_("上诉日期"), null=True, blank=True)
    appeal_transferred_on = models.DateField(_("移送二审日期"), null=True, blank=True)

    # Derived, kept by cases.services.case_derived_refresh (one SQL pass, also after imports).
    origin = models.ForeignKey(
        "self",
        verbose_name=_("原审案件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="derived_cases",
        db_constraint=False,
    )
    deadline = models.DateField(_("审限届满日期"), null=True, blank=True)
    effective_appealed = models.BooleanField(_("已上诉"), default=False)
    effective_appeal_outcome = models.CharField(
        _("二审结果（含关联）"), max_length=16, choices=Outcome.choices, blank=True
    )
    effective_appeal_decided_on = models.DateField(
        _("二审结案日期（含关联）"), null=True, blank=True
    )
    effective_retrial_outcome = models.CharField(
        _("再审结果（含关联）"), max_length=16, choices=Outcome.choices, blank=True
    )
    effective_retrial_decided_on = models.DateField(
        _("再审结案日期（含关联）"), null=True, blank=True
    )
    trial_days = models.GeneratedField(
        expression=models.Case(
            models.When(
                closed_on__isnull=False,
                then=Greatest(days_between(F("closed_on"), F("filed_on")) - F("excluded_days"), 0),
            ),
            default=None,
        ),
        output_field=models.IntegerField(null=True),
        db_persist=True,
        verbose_name=_("审理天数"),
    )
    # From the appeal lodged to the file sent to the second instance (上诉案件移送时间), when both
    # days are recorded.
    transfer_days = models.GeneratedField(
        expression=days_between(F("appeal_transferred_on"), F("appeal_lodged_on")),
        output_field=models.IntegerField(null=True),
        db_persist=True,
        verbose_name=_("上诉移送天数"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # The fingerprint of the source row that last wrote the record fields (cases.importing.
    # fingerprints): a re-import of that very row is known unchanged without validating it
    # again. A database trigger clears it when anything else changes a record field.
    import_hash = models.UUIDField(_("导入指纹"), null=True, blank=True, editable=False)

    # An inspector sees only the cases joined to their inspections.
    unit_paths = UnitPaths(case="id")

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-filed_on", "case_number"]
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        constraints = [
            models.UniqueConstraint(fields=["case_number"], name="case_number_unique"),
            # DATA_FORMAT.md: an appeal is lodged once the case is closed, and its file sent on
            # after that (a check holds only where both days are given).
            models.CheckConstraint(
                condition=Q(appeal_lodged_on__isnull=True)
                | Q(closed_on__isnull=True)
                | Q(appeal_lodged_on__gte=F("closed_on")),
                name="case_appeal_lodged_after_closing",
            ),
            models.CheckConstraint(
                condition=Q(appeal_transferred_on__isnull=True)
                | Q(appeal_lodged_on__isnull=True)
                | Q(appeal_transferred_on__gte=F("appeal_lodged_on")),
                name="case_appeal_transferred_after_lodged",
            ),
        ]
        indexes = [
            models.Index(fields=["court", "division", "judge"], name="case_unit_idx"),
            models.Index(
                fields=["judge", "deadline"],
                name="case_pending_judge_idx",
                condition=Q(closed_on__isnull=True),
            ),
            models.Index(
                fields=["division", "deadline"],
                name="case_pending_division_idx",
                condition=Q(closed_on__isnull=True),
            ),
            models.Index(
                fields=["court", "deadline"],
                name="case_pending_court_idx",
                condition=Q(closed_on__isnull=True),
            ),
            # The keyset-paginated lists (cases.keyset): the case list by urgency, pending at
            # city and court level, and with the closed ones; long-pending by filing date.
            models.Index(
                last_if_null("deadline"),
                F("case_number"),
                name="case_pending_urgency_idx",
                condition=Q(closed_on__isnull=True),
            ),
            models.Index(
                F("court"),
                last_if_null("deadline"),
                F("case_number"),
                name="case_pending_court_urgency_idx",
                condition=Q(closed_on__isnull=True),
            ),
            models.Index(
                last_if_null("closed_on").desc(),
                last_if_null("deadline"),
                F("case_number"),
                name="case_urgency_idx",
            ),
            models.Index(pending_filed_on(), name="case_pending_filed_idx"),
            # Counts of pending cases by unit, filing day, procedure (the workload) and
            # deadline, read from the index alone (the daily page).
            models.Index(
                fields=["court", "division", "judge", "filed_on"],
                include=["procedure", "deadline"],
                name="case_pending_cover_idx",
                condition=Q(closed_on__isnull=True),
            ),
            models.Index(fields=["filed_on"], name="case_filed_idx"),
            models.Index(fields=["closed_on"], name="case_closed_idx"),
            models.Index(
                fields=["origin_case_number"],
                name="case_origin_number_idx",
                condition=~Q(origin_case_number=""),
            ),
        ]

    def __str__(self) -> str:
        return self.case_number

    @property
    def effective_extension_days(self) -> int:
        """The extension days the deadline counts (cases.services.deadline_sql)."""
        return max(self.extension_days, self.approved_extension_days)


class CaseInspector(models.Model):
    """An inspector joined to a case: they may see it (DOMAIN.md, inspector scope)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="inspector_links")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="inspected_case_links")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="case_inspector_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.case}"


class AuditEvent(AppendOnlyModel):
    """Append-only audit trail: who did what, when, from where. A database trigger refuses
    UPDATE and DELETE, so not even the admin or a bug can rewrite history."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        User,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(_("对象类型"), max_length=50, blank=True)
    object_id = models.CharField(_("对象"), max_length=100, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    path = models.CharField(_("请求路径"), max_length=500, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_id}"


class RankingSetting(models.Model):
    """The ranking mode (排名或区间) the city's office chose, one row per change (append-only:
    the rows are the history of who changed it). The latest row holds; with none, the setting
    COURTDASH_RANKING_MODE (read through metrics.selectors.ranking_mode only)."""

    MODES = [("ranks", _("排名")), ("bands", _("区间（不公布名次）"))]

    mode = models.CharField(_("排名方式"), max_length=8, choices=MODES)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        User, verbose_name=_("修改人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("修改时间"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("排名方式")
        verbose_name_plural = _("排名方式")

    def __str__(self) -> str:
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.mode}"
