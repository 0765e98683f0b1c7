"""The three optional columns of the SPC's 2024 indicators (issue 14, DATA_FORMAT.md):
hearing_held, appeal_lodged_on, appeal_transferred_on, and the days between the last two
(a stored generated column, summed by indicator 17 like trial_days by indicator 4).

The generated column makes PostgreSQL rewrite cases_case once (a table and index rewrite: a
minute or so at 1,000,000 cases, more at 20,000,000); the three plain columns are nullable and
cost nothing. The checks hold only where both days are given, so every existing row passes.
"""

from django.db import migrations, models

# The import's fingerprint is cleared when a record field changes by another way than an import
# (0008_fast_loads): the three new fields are record fields too.
RECORD_COLUMNS_0008 = (
    "year", "court_id", "type_code", "serial", "category", "procedure", "division_id",
    "judge_id", "track", "cause", "filed_on", "closed_on", "closing_method", "deadline_on",
    "extension_days", "excluded_days", "origin_case_number", "appealed", "appeal_outcome",
    "appeal_decided_on", "retrial_outcome", "retrial_decided_on", "amount_applied",
    "amount_recovered",
)  # fmt: skip
RECORD_COLUMNS = (*RECORD_COLUMNS_0008, "hearing_held", "appeal_lodged_on", "appeal_transferred_on")


def _clear_trigger(columns: tuple[str, ...]) -> str:
    def row(prefix: str) -> str:
        return "(" + ", ".join(f"{prefix}.{name}" for name in columns) + ")"

    return f"""
DROP TRIGGER IF EXISTS cases_case_import_hash_clear ON cases_case;
CREATE TRIGGER cases_case_import_hash_clear
  BEFORE UPDATE ON cases_case
  FOR EACH ROW
  WHEN (OLD.import_hash IS NOT NULL AND NEW.import_hash IS NOT DISTINCT FROM OLD.import_hash
        AND {row("OLD")} IS DISTINCT FROM {row("NEW")})
  EXECUTE FUNCTION courtdash_case_import_hash_clear();
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_fast_loads")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="hearing_held",
            field=models.BooleanField(blank=True, null=True, verbose_name="是否开庭"),
        ),
        migrations.AddField(
            model_name="case",
            name="appeal_lodged_on",
            field=models.DateField(blank=True, null=True, verbose_name="上诉日期"),
        ),
        migrations.AddField(
            model_name="case",
            name="appeal_transferred_on",
            field=models.DateField(blank=True, null=True, verbose_name="移送二审日期"),
        ),
        migrations.AddField(
            model_name="case",
            name="transfer_days",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    models.F("appeal_transferred_on"),
                    models.F("appeal_lodged_on"),
                    arg_joiner=" - ",
                    output_field=models.IntegerField(),
                    template="(%(expressions)s)",
                ),
                output_field=models.IntegerField(null=True),
                verbose_name="上诉移送天数",
            ),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("appeal_lodged_on__isnull", True),
                    ("closed_on__isnull", True),
                    ("appeal_lodged_on__gte", models.F("closed_on")),
                    _connector="OR",
                ),
                name="case_appeal_lodged_after_closing",
            ),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("appeal_transferred_on__isnull", True),
                    ("appeal_lodged_on__isnull", True),
                    ("appeal_transferred_on__gte", models.F("appeal_lodged_on")),
                    _connector="OR",
                ),
                name="case_appeal_transferred_after_lodged",
            ),
        ),
        migrations.RunSQL(_clear_trigger(RECORD_COLUMNS), _clear_trigger(RECORD_COLUMNS_0008)),
    ]
