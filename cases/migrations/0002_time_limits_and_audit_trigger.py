"""Seed the statutory time limits (DOMAIN.md) and make the audit trail append-only."""

from django.db import migrations

# (category, procedure, track, type_code, months, days, note)
TIME_LIMITS = [
    ("civil", "first_instance", "ordinary", "", 6, 0, "民事诉讼法 第152条"),
    ("civil", "first_instance", "summary", "", 3, 0, "民事诉讼法 第164条"),
    ("civil", "first_instance", "small_claims", "", 2, 0, "民事诉讼法 第168条"),
    ("civil", "special", "", "民特", 0, 30, "民事诉讼法 第187条"),
    ("civil", "second_instance", "", "", 3, 0, "民事诉讼法 第183条"),
    ("civil", "retrial_review", "", "", 3, 0, "民事诉讼法 第215条"),
    ("civil", "retrial", "", "", 6, 0, "简化：按一审审限"),
    ("criminal", "first_instance", "ordinary", "", 3, 0, "刑事诉讼法 第208条"),
    ("criminal", "first_instance", "summary", "", 0, 20, "刑事诉讼法 第220条"),
    ("criminal", "first_instance", "fast_track", "", 0, 10, "刑事诉讼法 第225条"),
    ("criminal", "second_instance", "", "", 2, 0, "刑事诉讼法 第243条"),
    ("criminal", "retrial", "", "", 3, 0, "刑事诉讼法 第258条"),
    ("administrative", "first_instance", "ordinary", "", 6, 0, "行政诉讼法 第81条"),
    ("administrative", "first_instance", "summary", "", 0, 45, "行政诉讼法 第83条"),
    ("administrative", "second_instance", "", "", 3, 0, "行政诉讼法 第88条"),
    ("administrative", "retrial", "", "", 6, 0, "简化：按一审审限"),
    ("enforcement", "enforcement", "", "", 6, 0, "最高人民法院关于严格执行案件审理期限制度的若干规定 第5条"),
]


def seed_time_limits(apps, schema_editor):
    TimeLimit = apps.get_model("cases", "TimeLimit")
    for category, procedure, track, type_code, months, days, note in TIME_LIMITS:
        TimeLimit.objects.update_or_create(
            category=category, procedure=procedure, track=track, type_code=type_code,
            defaults={"months": months, "days": days, "note": note},
        )


def unseed_time_limits(apps, schema_editor):
    apps.get_model("cases", "TimeLimit").objects.all().delete()


APPEND_ONLY = """
CREATE OR REPLACE FUNCTION courtdash_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cases_auditevent_append_only
  BEFORE UPDATE OR DELETE ON cases_auditevent
  FOR EACH ROW EXECUTE FUNCTION courtdash_append_only();
CREATE TRIGGER cases_auditevent_no_truncate
  BEFORE TRUNCATE ON cases_auditevent
  FOR EACH STATEMENT EXECUTE FUNCTION courtdash_append_only();
"""
DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS cases_auditevent_append_only ON cases_auditevent;
DROP TRIGGER IF EXISTS cases_auditevent_no_truncate ON cases_auditevent;
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        migrations.RunPython(seed_time_limits, unseed_time_limits),
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
    ]
