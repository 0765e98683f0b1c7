"""拟发改再事先沟通 (consultation before a reversal): its models."""

import django.contrib.postgres.fields
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0009_reminder_subjects_issue_12"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Consultation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "trigger",
                    models.CharField(
                        choices=[("appeal", "二审改判、发回"), ("retrial", "再审改判、发回")],
                        max_length=16,
                        verbose_name="审级",
                    ),
                ),
                (
                    "intention",
                    models.CharField(
                        choices=[("modify", "拟改判"), ("remand", "拟发回重审")],
                        max_length=16,
                        verbose_name="拟处理意见",
                    ),
                ),
                (
                    "reasons",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(
                            choices=[
                                ("fact_finding", "事实认定"),
                                ("application_of_law", "法律适用"),
                                ("procedure", "程序"),
                                ("new_evidence", "新证据"),
                                ("other", "其他"),
                            ],
                            max_length=24,
                        ),
                        default=list,
                        size=None,
                        verbose_name="理由类别",
                    ),
                ),
                ("reasoning", models.TextField(verbose_name="理由")),
                (
                    "opened_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="提起时间"
                    ),
                ),
                ("opened_on", models.DateField(verbose_name="提起日期")),
                ("answer_due", models.DateField(verbose_name="答复期限")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("awaiting", "待原审答复"),
                            ("answered", "原审已答复"),
                            ("concluded", "已登记结果"),
                        ],
                        default="awaiting",
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                (
                    "answer",
                    models.CharField(
                        blank=True,
                        choices=[("agree", "同意"), ("disagree", "不同意")],
                        max_length=16,
                        verbose_name="原审意见",
                    ),
                ),
                ("answer_text", models.TextField(blank=True, verbose_name="原审答复")),
                (
                    "answered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="答复时间"),
                ),
                ("answered_on", models.DateField(blank=True, null=True, verbose_name="答复日期")),
                (
                    "outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("as_intended", "按拟意见改判、发回"),
                            ("changed", "沟通后改变意见"),
                            ("committee", "提交审判委员会讨论"),
                        ],
                        max_length=16,
                        verbose_name="沟通结果",
                    ),
                ),
                ("outcome_note", models.TextField(blank=True, verbose_name="结果说明")),
                (
                    "concluded_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="登记时间"),
                ),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="答复人",
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="consultations",
                        to="cases.case",
                        verbose_name="二审、再审案件",
                    ),
                ),
                (
                    "concluded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="登记人",
                    ),
                ),
                (
                    "opened_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="提起人",
                    ),
                ),
                (
                    "original_case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="consultations_received",
                        to="cases.case",
                        verbose_name="原审案件",
                    ),
                ),
            ],
            options={
                "verbose_name": "拟发改再事先沟通",
                "verbose_name_plural": "拟发改再事先沟通",
                "ordering": ["-opened_at", "-id"],
                "indexes": [
                    models.Index(fields=["opened_on"], name="consultation_opened_idx"),
                    models.Index(
                        condition=models.Q(("state", "awaiting")),
                        fields=["answer_due"],
                        name="consultation_awaiting_idx",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("state", "concluded"), _negated=True),
                        fields=("case",),
                        name="consultation_one_open_per_case",
                    )
                ],
            },
        ),
    ]
