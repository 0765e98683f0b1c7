"""Indicator sets (issue 14): a stored value says which version of its indicator's definition
computed it, and whether the unit's source system lacked what the indicator needs ("no data");
the SPC's 2024 indicators join the choices of a stored value (not of a target: targets are the
local set's). Both new columns have a database default (no table rewrite; raw inserts that do
not name them keep working)."""

from django.db import migrations, models

# The registry's choices as they stand in this migration (frozen history).
CHOICES = [
    ("closed_to_filed_ratio", "结收比"),
    ("clearance_rate", "结案率"),
    ("within_limit_rate", "法定审限内结案率"),
    ("avg_trial_days", "平均审理天数"),
    ("long_pending_share", "超12个月未结案件比"),
    ("first_instance_acceptance_rate", "一审服判息诉率"),
    ("first_instance_reversal_rate", "一审被改判发回重审率"),
    ("final_case_reversal_rate", "生效案件被改判发回重审率"),
    ("mediation_withdrawal_rate", "调撤率"),
    ("enforcement_recovery_rate", "执行到位率"),
    ("case_to_proceeding_ratio", "案-件比"),
    ("appeal_modify_remand_ratio", "二审改判-发回重审比"),
    ("retrial_modify_remand_ratio", "再审改判-发回重审比"),
    ("appeal_rate", "上诉率"),
    ("enforcement_completion_rate", "执行完毕率"),
    ("appeal_hearing_rate", "二审开庭率"),
    ("appeal_transfer_days", "上诉案件移送时间"),
]


class Migration(migrations.Migration):
    dependencies = [("metrics", "0008_fanout")]

    operations = [
        migrations.AddField(
            model_name="indicatorvalue",
            name="version",
            field=models.PositiveSmallIntegerField(
                db_default=1, default=1, verbose_name="定义版本"
            ),
        ),
        migrations.AddField(
            model_name="indicatorvalue",
            name="no_data",
            field=models.BooleanField(db_default=False, default=False, verbose_name="无数据"),
        ),
        migrations.AlterField(
            model_name="indicatorvalue",
            name="indicator",
            field=models.CharField(choices=CHOICES, max_length=40, verbose_name="指标"),
        ),
    ]
