"""Fast loads (issue 13): the fingerprint of the source row that last wrote a case's record
fields, so that a re-import recognises an unchanged row without validating or writing it
(cases.importing.fingerprints).

No backfill: a fingerprint is taken from the row as the source wrote it, which the database
never saw; existing cases get theirs from the next import that names them. A trigger clears a
fingerprint when a record field changes by any other way than an import, so that a stale one
can never make a re-import skip a row that differs.
"""

from django.db import migrations, models

# The record fields an import writes (cases.importing.writer.CASE_COLUMNS), as they stand
# in this migration.
RECORD_COLUMNS = (
    "year",
    "court_id",
    "type_code",
    "serial",
    "category",
    "procedure",
    "division_id",
    "judge_id",
    "track",
    "cause",
    "filed_on",
    "closed_on",
    "closing_method",
    "deadline_on",
    "extension_days",
    "excluded_days",
    "origin_case_number",
    "appealed",
    "appeal_outcome",
    "appeal_decided_on",
    "retrial_outcome",
    "retrial_decided_on",
    "amount_applied",
    "amount_recovered",
)


def _row(prefix: str) -> str:
    return "(" + ", ".join(f"{prefix}.{name}" for name in RECORD_COLUMNS) + ")"


CLEAR_TRIGGER = f"""
CREATE OR REPLACE FUNCTION courtdash_case_import_hash_clear() RETURNS trigger AS $$
BEGIN
  NEW.import_hash := NULL;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cases_case_import_hash_clear
  BEFORE UPDATE ON cases_case
  FOR EACH ROW
  WHEN (OLD.import_hash IS NOT NULL AND NEW.import_hash IS NOT DISTINCT FROM OLD.import_hash
        AND {_row("OLD")} IS DISTINCT FROM {_row("NEW")})
  EXECUTE FUNCTION courtdash_case_import_hash_clear();
"""
DROP_CLEAR_TRIGGER = """
DROP TRIGGER IF EXISTS cases_case_import_hash_clear ON cases_case;
DROP FUNCTION IF EXISTS courtdash_case_import_hash_clear();
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_keyset_lists")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="import_hash",
            field=models.UUIDField(blank=True, editable=False, null=True, verbose_name="导入指纹"),
        ),
        migrations.RunSQL(CLEAR_TRIGGER, DROP_CLEAR_TRIGGER),
    ]
