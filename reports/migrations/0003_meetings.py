"""数据会商 (data-review meeting): its models."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_ranking_setting"),
        ("reports", "0002_health_rule_setting"),
        ("supervision", "0013_effects"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Meeting",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "scope",
                    models.CharField(
                        choices=[
                            ("city", "全市"),
                            ("court", "法院"),
                            ("division", "部门"),
                            ("judge", "法官"),
                        ],
                        max_length=8,
                        verbose_name="层级",
                    ),
                ),
                ("month", models.DateField(verbose_name="会商月份")),
                ("held_on", models.DateField(verbose_name="会商日期")),
                ("title", models.CharField(max_length=200, verbose_name="单位")),
                ("attendees", models.TextField(blank=True, verbose_name="参会人员")),
                ("agenda", models.JSONField(default=list, verbose_name="议题")),
                (
                    "agenda_as_of",
                    models.DateField(blank=True, null=True, verbose_name="数据截止日"),
                ),
                ("notes", models.JSONField(default=dict, verbose_name="讨论情况")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                (
                    "court",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cases.court",
                        verbose_name="法院",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="组织人",
                    ),
                ),
                (
                    "division",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cases.division",
                        verbose_name="部门",
                    ),
                ),
                (
                    "judge",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cases.judge",
                        verbose_name="法官",
                    ),
                ),
            ],
            options={
                "verbose_name": "数据会商",
                "verbose_name_plural": "数据会商",
                "ordering": ["-held_on", "-id"],
            },
        ),
        migrations.CreateModel(
            name="MeetingDecision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("item_key", models.CharField(max_length=200, verbose_name="议题")),
                ("text", models.TextField(verbose_name="决定事项")),
                ("decided_at", models.DateTimeField(auto_now_add=True, verbose_name="记录时间")),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="记录人",
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="decisions",
                        to="reports.meeting",
                        verbose_name="数据会商",
                    ),
                ),
            ],
            options={
                "verbose_name": "会商决定",
                "verbose_name_plural": "会商决定",
                "ordering": ["meeting", "id"],
            },
        ),
        migrations.CreateModel(
            name="MeetingAction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "scope",
                    models.CharField(
                        choices=[
                            ("city", "全市"),
                            ("court", "法院"),
                            ("division", "部门"),
                            ("judge", "法官"),
                        ],
                        max_length=8,
                        verbose_name="层级",
                    ),
                ),
                ("task", models.TextField(verbose_name="办理事项")),
                ("due_on", models.DateField(verbose_name="办理期限")),
                (
                    "state",
                    models.CharField(
                        choices=[("open", "办理中"), ("done", "已报办结"), ("closed", "已销号")],
                        default="open",
                        max_length=8,
                        verbose_name="状态",
                    ),
                ),
                ("done_note", models.TextField(blank=True, verbose_name="办理情况")),
                (
                    "done_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="报告办结时间"),
                ),
                ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="销号时间")),
                ("close_note", models.TextField(blank=True, verbose_name="销号意见")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                (
                    "closed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="销号人",
                    ),
                ),
                (
                    "court",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cases.court",
                        verbose_name="法院",
                    ),
                ),
                (
                    "division",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cases.division",
                        verbose_name="部门",
                    ),
                ),
                (
                    "judge",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cases.judge",
                        verbose_name="法官",
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="actions",
                        to="reports.meeting",
                        verbose_name="数据会商",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="meeting_actions",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="责任人",
                    ),
                ),
                (
                    "decision",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="actions",
                        to="reports.meetingdecision",
                        verbose_name="会商决定",
                    ),
                ),
            ],
            options={
                "verbose_name": "会商事项",
                "verbose_name_plural": "会商事项",
                "ordering": ["due_on", "id"],
            },
        ),
        migrations.AddIndex(
            model_name="meeting",
            index=models.Index(fields=["month", "court", "division"], name="meeting_unit_idx"),
        ),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("court__isnull", True),
                        ("division__isnull", True),
                        ("judge__isnull", True),
                        ("scope", "city"),
                    ),
                    models.Q(
                        ("court__isnull", False),
                        ("division__isnull", True),
                        ("judge__isnull", True),
                        ("scope", "court"),
                    ),
                    models.Q(
                        ("court__isnull", False),
                        ("division__isnull", False),
                        ("judge__isnull", True),
                        ("scope", "division"),
                    ),
                    models.Q(
                        ("court__isnull", False),
                        ("division__isnull", False),
                        ("judge__isnull", False),
                        ("scope", "judge"),
                    ),
                    _connector="OR",
                ),
                name="meeting_scope_shape",
            ),
        ),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.CheckConstraint(
                condition=models.Q(("month__day", 1)), name="meeting_first_day"
            ),
        ),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.CheckConstraint(
                condition=models.Q(("judge__isnull", True)), name="meeting_no_judge"
            ),
        ),
        migrations.AddIndex(
            model_name="meetingaction",
            index=models.Index(
                fields=["owner", "state", "due_on"], name="meeting_action_owner_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="meetingaction",
            index=models.Index(fields=["state", "due_on"], name="meeting_action_state_idx"),
        ),
        migrations.AddConstraint(
            model_name="meetingaction",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("court__isnull", True),
                        ("division__isnull", True),
                        ("judge__isnull", True),
                        ("scope", "city"),
                    ),
                    models.Q(
                        ("court__isnull", False),
                        ("division__isnull", True),
                        ("judge__isnull", True),
                        ("scope", "court"),
                    ),
                    models.Q(
                        ("court__isnull", False),
                        ("division__isnull", False),
                        ("judge__isnull", True),
                        ("scope", "division"),
                    ),
                    models.Q(
                        ("court__isnull", False),
                        ("division__isnull", False),
                        ("judge__isnull", False),
                        ("scope", "judge"),
                    ),
                    _connector="OR",
                ),
                name="meeting_action_scope_shape",
            ),
        ),
    ]
