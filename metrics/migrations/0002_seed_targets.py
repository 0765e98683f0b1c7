"""Seed the targets, warnings and weights of INDICATORS.md; make the change history append-only."""

from decimal import Decimal

from django.db import migrations

# indicator: (weight, target, warning) for higher/lower indicators.
TARGETS = {
    "closed_to_filed_ratio": (10, 100, 90),
    "within_limit_rate": (10, 97, 95),
    "avg_trial_days": (8, 60, 90),
    "long_pending_share": (10, 1, 3),
    "first_instance_acceptance_rate": (10, 85, 80),
    "first_instance_reversal_rate": (10, 2, 4),
    "final_case_reversal_rate": (8, Decimal("0.1"), Decimal("0.3")),
    "enforcement_recovery_rate": (8, 40, 25),
    "case_to_proceeding_ratio": (8, Decimal("1.3"), Decimal("1.5")),
}
# mediation_withdrawal_rate, a band: full inside 35–65, zero below 25 or above 75.
BAND = {"lower_warning": 25, "lower_target": 35, "upper_target": 65, "upper_warning": 75}
# clearance_rate: YTD target by the month of the as-of day; warning = target − 10.
CLEARANCE_BY_MONTH = [8, 12, 18, 29, 42, 55, 63, 70, 76, 82, 88, 93]


def seed_targets(apps, schema_editor):
    IndicatorTarget = apps.get_model("metrics", "IndicatorTarget")
    IndicatorMonthlyTarget = apps.get_model("metrics", "IndicatorMonthlyTarget")
    for indicator, (weight, target, warning) in TARGETS.items():
        IndicatorTarget.objects.update_or_create(
            indicator=indicator, defaults={"weight": weight, "target": target, "warning": warning}
        )
    IndicatorTarget.objects.update_or_create(
        indicator="mediation_withdrawal_rate", defaults={"weight": 8, **BAND}
    )
    clearance, _ = IndicatorTarget.objects.update_or_create(
        indicator="clearance_rate", defaults={"weight": 10, "by_month": True}
    )
    for month, target in enumerate(CLEARANCE_BY_MONTH, start=1):
        IndicatorMonthlyTarget.objects.update_or_create(
            indicator_target=clearance,
            month=month,
            defaults={"target": target, "warning": target - 10},
        )


def unseed_targets(apps, schema_editor):
    apps.get_model("metrics", "IndicatorTarget").objects.all().delete()


# Row triggers only: a test database flush (TRUNCATE) must still be able to empty the table.
APPEND_ONLY = """
CREATE TRIGGER metrics_indicatortargetchange_append_only
  BEFORE UPDATE OR DELETE ON metrics_indicatortargetchange
  FOR EACH ROW EXECUTE FUNCTION courtdash_append_only();
"""
DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS metrics_indicatortargetchange_append_only
  ON metrics_indicatortargetchange;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0001_initial"),
        # courtdash_append_only() is defined there.
        ("cases", "0002_time_limits_and_audit_trigger"),
    ]

    operations = [
        migrations.RunPython(seed_targets, unseed_targets),
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
    ]
