"""Reference ranges (issue 14, item 3): the office's 区间参考值 of the SPC's 2024 indicators, one
append-only row per change (the rows are the history), with the checks a range must pass (a
bound given; lower <= upper) in the database as well as in the service."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The registry's SPC 2024 choices as they stand in this migration (frozen history).
CHOICES = [
    ("within_limit_rate", "法定审限内结案率"),
    ("long_pending_share", "超12个月未结案件比"),
    ("enforcement_recovery_rate", "执行到位率"),
    ("case_to_proceeding_ratio", "案-件比"),
    ("appeal_modify_remand_ratio", "二审改判-发回重审比"),
    ("retrial_modify_remand_ratio", "再审改判-发回重审比"),
    ("appeal_rate", "上诉率"),
    ("enforcement_completion_rate", "执行完毕率"),
    ("appeal_hearing_rate", "二审开庭率"),
    ("appeal_transfer_days", "上诉案件移送时间"),
]
LEVELS = [
    ("supreme", "最高人民法院"),
    ("high", "高级人民法院"),
    ("intermediate", "中级人民法院"),
    ("basic", "基层人民法院"),
]

# Row triggers only (courtdash_append_only(), cases migration 0002): a test database flush
# (TRUNCATE) must still be able to empty the table.
APPEND_ONLY = """
CREATE TRIGGER metrics_referencerange_append_only
  BEFORE UPDATE OR DELETE ON metrics_referencerange
  FOR EACH ROW EXECUTE FUNCTION courtdash_append_only();
"""
DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS metrics_referencerange_append_only ON metrics_referencerange;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0009_indicator_sets"),
        ("cases", "0002_time_limits_and_audit_trigger"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReferenceRange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "indicator",
                    models.CharField(choices=CHOICES, max_length=40, verbose_name="指标"),
                ),
                (
                    "court_level",
                    models.CharField(
                        blank=True,
                        choices=LEVELS,
                        max_length=16,
                        null=True,
                        verbose_name="法院层级",
                    ),
                ),
                (
                    "lower",
                    models.DecimalField(
                        blank=True, decimal_places=4, max_digits=12, null=True, verbose_name="下限"
                    ),
                ),
                (
                    "upper",
                    models.DecimalField(
                        blank=True, decimal_places=4, max_digits=12, null=True, verbose_name="上限"
                    ),
                ),
                ("effective_from", models.DateField(verbose_name="起用日期")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="说明")),
                ("demo", models.BooleanField(default=False, verbose_name="演示数值")),
                ("changed_at", models.DateTimeField(auto_now_add=True, verbose_name="设定时间")),
                ("username", models.CharField(blank=True, max_length=150, verbose_name="用户名")),
                (
                    "changed_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="设定人",
                    ),
                ),
            ],
            options={
                "verbose_name": "区间参考值",
                "verbose_name_plural": "区间参考值",
                "ordering": ["-changed_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["indicator", "court_level", "effective_from"],
                        name="reference_range_force_idx",
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("lower__isnull", False), ("upper__isnull", False), _connector="OR"
                        ),
                        name="reference_range_a_bound",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("lower__isnull", True),
                            ("upper__isnull", True),
                            ("lower__lte", models.F("upper")),
                            _connector="OR",
                        ),
                        name="reference_range_ordered",
                    ),
                ],
            },
        ),
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
    ]
