"""评查 (case quality review): its models."""

from decimal import Decimal

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_ranking_setting"),
        ("supervision", "0011_consultations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="QualityCampaign",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="名称")),
                ("closed_from", models.DateField(verbose_name="结案日期自")),
                ("closed_to", models.DateField(verbose_name="结案日期至")),
                ("sources", models.JSONField(default=list, verbose_name="案件来源")),
                (
                    "share_percent",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        max_digits=4,
                        null=True,
                        verbose_name="抽查比例（%）",
                    ),
                ),
                ("seed", models.BigIntegerField(blank=True, null=True, verbose_name="随机种子")),
                (
                    "min_pending_days",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="撤诉前审理超过（日）"
                    ),
                ),
                (
                    "score_due_on",
                    models.DateField(blank=True, null=True, verbose_name="评查截止日期"),
                ),
                (
                    "rectify_days",
                    models.PositiveSmallIntegerField(default=15, verbose_name="整改答复期限（日）"),
                ),
                ("note", models.TextField(blank=True, verbose_name="说明")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="创建时间"
                    ),
                ),
                (
                    "court",
                    models.ForeignKey(
                        blank=True,
                        help_text="空：全市法院",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cases.court",
                        verbose_name="法院",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="创建人",
                    ),
                ),
            ],
            options={
                "verbose_name": "案件评查",
                "verbose_name_plural": "案件评查",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="QualityReview",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("routine", "常规抽查"),
                            ("extensions", "多次延长审限"),
                            ("withdrawals", "长期未结后撤诉"),
                            ("chosen", "指定案件"),
                        ],
                        max_length=16,
                        verbose_name="来源",
                    ),
                ),
                (
                    "assigned_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="指定时间"),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[("pending", "待评查"), ("scored", "已评查")],
                        default="pending",
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                (
                    "deduction",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        max_digits=5,
                        null=True,
                        verbose_name="扣分合计",
                    ),
                ),
                (
                    "score",
                    models.DecimalField(
                        blank=True, decimal_places=1, max_digits=5, null=True, verbose_name="得分"
                    ),
                ),
                (
                    "grade",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("excellent", "优秀"),
                            ("pass", "合格"),
                            ("flaw", "瑕疵"),
                            ("error", "差错"),
                        ],
                        max_length=16,
                        verbose_name="等次",
                    ),
                ),
                ("opinion", models.TextField(blank=True, verbose_name="评查意见")),
                ("scored_at", models.DateTimeField(blank=True, null=True, verbose_name="评查时间")),
                (
                    "assigned_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="指定人",
                    ),
                ),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reviews",
                        to="supervision.qualitycampaign",
                        verbose_name="案件评查",
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cases.case",
                        verbose_name="案件",
                    ),
                ),
                (
                    "reviewer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="评查人",
                    ),
                ),
            ],
            options={
                "verbose_name": "评查案件",
                "verbose_name_plural": "评查案件",
                "ordering": ["campaign", "case_id"],
            },
        ),
        migrations.CreateModel(
            name="Rectification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("open", "待整改答复"),
                            ("answered", "已答复待审核"),
                            ("accepted", "整改完成"),
                        ],
                        default="open",
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                ("request", models.TextField(verbose_name="整改要求")),
                ("due_on", models.DateField(verbose_name="答复期限")),
                (
                    "requested_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="发出时间"
                    ),
                ),
                ("answer", models.TextField(blank=True, verbose_name="整改情况")),
                (
                    "answered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="答复时间"),
                ),
                ("decision_note", models.TextField(blank=True, verbose_name="审核意见")),
                (
                    "decided_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="审核时间"),
                ),
                ("returned", models.PositiveSmallIntegerField(default=0, verbose_name="退回次数")),
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
                        related_name="+",
                        to="cases.case",
                        verbose_name="案件",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="审核人",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="发出人",
                    ),
                ),
                (
                    "review",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="rectification",
                        to="supervision.qualityreview",
                        verbose_name="评查案件",
                    ),
                ),
            ],
            options={
                "verbose_name": "评查整改",
                "verbose_name_plural": "评查整改",
                "ordering": ["due_on", "id"],
            },
        ),
        migrations.CreateModel(
            name="ScoringSheet",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="评查表名称")),
                ("version", models.PositiveSmallIntegerField(default=1, verbose_name="版本")),
                ("current", models.BooleanField(default=True, verbose_name="现行版本")),
                (
                    "excellent_from",
                    models.DecimalField(
                        decimal_places=1,
                        default=Decimal("90"),
                        max_digits=5,
                        verbose_name="优秀（不低于）",
                    ),
                ),
                (
                    "pass_from",
                    models.DecimalField(
                        decimal_places=1,
                        default=Decimal("80"),
                        max_digits=5,
                        verbose_name="合格（不低于）",
                    ),
                ),
                (
                    "flaw_from",
                    models.DecimalField(
                        decimal_places=1,
                        default=Decimal("60"),
                        max_digits=5,
                        verbose_name="瑕疵（不低于）",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="修改说明")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="修改时间"
                    ),
                ),
                (
                    "court",
                    models.ForeignKey(
                        blank=True,
                        help_text="空：全市通用",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
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
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="修改人",
                    ),
                ),
                (
                    "previous",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="next_version",
                        to="supervision.scoringsheet",
                        verbose_name="上一版本",
                    ),
                ),
            ],
            options={
                "verbose_name": "评查表",
                "verbose_name_plural": "评查表",
                "ordering": ["name", "-version", "-id"],
            },
        ),
        migrations.AddField(
            model_name="qualitycampaign",
            name="sheet",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="campaigns",
                to="supervision.scoringsheet",
                verbose_name="评查表",
            ),
        ),
        migrations.CreateModel(
            name="SheetItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(verbose_name="序号")),
                ("name", models.CharField(max_length=100, verbose_name="评查项目")),
                (
                    "max_deduction",
                    models.DecimalField(decimal_places=1, max_digits=5, verbose_name="最高扣分"),
                ),
                (
                    "options",
                    models.CharField(
                        blank=True,
                        help_text="逗号分隔；空：0至最高扣分",
                        max_length=100,
                        verbose_name="扣分选项",
                    ),
                ),
                (
                    "sheet",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="supervision.scoringsheet",
                        verbose_name="评查表",
                    ),
                ),
            ],
            options={
                "verbose_name": "评查项目",
                "verbose_name_plural": "评查项目",
                "ordering": ["sheet", "position"],
            },
        ),
        migrations.CreateModel(
            name="QualityDeduction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "points",
                    models.DecimalField(decimal_places=1, max_digits=5, verbose_name="扣分"),
                ),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="扣分理由")),
                (
                    "review",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deductions",
                        to="supervision.qualityreview",
                        verbose_name="评查案件",
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="supervision.sheetitem",
                        verbose_name="评查项目",
                    ),
                ),
            ],
            options={
                "verbose_name": "评查扣分",
                "verbose_name_plural": "评查扣分",
                "ordering": ["review", "item__position"],
            },
        ),
        migrations.AddIndex(
            model_name="qualityreview",
            index=models.Index(fields=["reviewer", "state"], name="quality_reviewer_idx"),
        ),
        migrations.AddConstraint(
            model_name="qualityreview",
            constraint=models.UniqueConstraint(
                fields=("campaign", "case"), name="quality_review_once"
            ),
        ),
        migrations.AddIndex(
            model_name="rectification",
            index=models.Index(fields=["state", "due_on"], name="rectification_due_idx"),
        ),
        migrations.AddConstraint(
            model_name="scoringsheet",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("excellent_from__gt", models.F("pass_from")),
                    ("pass_from__gt", models.F("flaw_from")),
                    ("flaw_from__gte", 0),
                    ("excellent_from__lte", 100),
                ),
                name="quality_sheet_thresholds_ordered",
            ),
        ),
        migrations.AddConstraint(
            model_name="qualitycampaign",
            constraint=models.CheckConstraint(
                condition=models.Q(("closed_to__gte", models.F("closed_from"))),
                name="quality_campaign_period_ordered",
            ),
        ),
        migrations.AddConstraint(
            model_name="sheetitem",
            constraint=models.UniqueConstraint(
                fields=("sheet", "position"), name="quality_item_position"
            ),
        ),
        migrations.AddConstraint(
            model_name="sheetitem",
            constraint=models.CheckConstraint(
                condition=models.Q(("max_deduction__gt", 0)), name="quality_item_deduction_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="qualitydeduction",
            constraint=models.UniqueConstraint(
                fields=("review", "item"), name="quality_deduction_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="qualitydeduction",
            constraint=models.CheckConstraint(
                condition=models.Q(("points__gt", 0)), name="quality_deduction_positive"
            ),
        ),
    ]
