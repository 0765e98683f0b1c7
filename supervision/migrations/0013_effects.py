"""跟踪问效 (did it work?): its models."""

import django.contrib.postgres.fields
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_ranking_setting"),
        ("supervision", "0012_quality_reviews"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EffectTrack",
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
                            ("notice", "督办通知"),
                            ("inquiry", "异常函询"),
                            ("talk", "约谈"),
                            ("campaign", "清理攻坚"),
                            ("quality_review", "案件评查"),
                            ("meeting_action", "会商事项"),
                        ],
                        max_length=16,
                        verbose_name="措施类型",
                    ),
                ),
                ("object_id", models.PositiveBigIntegerField(verbose_name="措施编号")),
                ("title", models.CharField(max_length=200, verbose_name="标题")),
                ("url", models.CharField(blank=True, max_length=300, verbose_name="链接")),
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
                (
                    "indicators",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=40),
                        blank=True,
                        default=list,
                        size=None,
                        verbose_name="指标",
                    ),
                ),
                (
                    "case_ids",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.BigIntegerField(),
                        blank=True,
                        default=list,
                        size=None,
                        verbose_name="案件",
                    ),
                ),
                ("started_on", models.DateField(verbose_name="开始日期")),
                (
                    "baseline",
                    models.JSONField(blank=True, default=dict, verbose_name="开始时指标值"),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="记录时间"
                    ),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="发起人",
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
            ],
            options={
                "verbose_name": "跟踪问效",
                "verbose_name_plural": "跟踪问效",
                "ordering": ["-started_on", "-id"],
            },
        ),
        migrations.CreateModel(
            name="EffectCheck",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("mark", models.PositiveSmallIntegerField(verbose_name="天数")),
                ("checked_on", models.DateField(verbose_name="检查日")),
                (
                    "values_on",
                    models.DateField(blank=True, null=True, verbose_name="指标统计截止日"),
                ),
                ("results", models.JSONField(blank=True, default=dict, verbose_name="指标变化")),
                ("did", models.FloatField(blank=True, null=True, verbose_name="相对同级变化")),
                ("improved", models.BooleanField(blank=True, null=True, verbose_name="是否改善")),
                ("cases_total", models.PositiveIntegerField(default=0, verbose_name="案件数")),
                ("cases_closed", models.PositiveIntegerField(default=0, verbose_name="已结")),
                ("cases_overdue", models.PositiveIntegerField(default=0, verbose_name="仍超审限")),
                (
                    "cases_long_pending",
                    models.PositiveIntegerField(default=0, verbose_name="仍长期未结"),
                ),
                (
                    "case_states",
                    models.JSONField(blank=True, default=dict, verbose_name="案件状态"),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="记录时间"
                    ),
                ),
                (
                    "track",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="checks",
                        to="supervision.effecttrack",
                        verbose_name="跟踪问效",
                    ),
                ),
            ],
            options={
                "verbose_name": "问效检查",
                "verbose_name_plural": "问效检查",
                "ordering": ["track", "mark"],
            },
        ),
        migrations.AddIndex(
            model_name="effecttrack",
            index=models.Index(fields=["source", "started_on"], name="effect_track_source_idx"),
        ),
        migrations.AddConstraint(
            model_name="effecttrack",
            constraint=models.UniqueConstraint(
                fields=("source", "object_id"), name="effect_track_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="effectcheck",
            constraint=models.UniqueConstraint(
                fields=("track", "mark"), name="effect_check_unique"
            ),
        ),
    ]
