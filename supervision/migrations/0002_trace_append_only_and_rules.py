"""Make the supervision trail append-only (reusing cases' courtdash_append_only()) and seed the
two four-type suggestion rules of DOMAIN.md (the office changes or switches them off)."""

from django.db import migrations

APPEND_ONLY = """
CREATE TRIGGER supervision_traceentry_append_only
  BEFORE UPDATE OR DELETE ON supervision_traceentry
  FOR EACH ROW EXECUTE FUNCTION courtdash_append_only();
CREATE TRIGGER supervision_traceentry_no_truncate
  BEFORE TRUNCATE ON supervision_traceentry
  FOR EACH STATEMENT EXECUTE FUNCTION courtdash_append_only();
"""
DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS supervision_traceentry_append_only ON supervision_traceentry;
DROP TRIGGER IF EXISTS supervision_traceentry_no_truncate ON supervision_traceentry;
"""

RULES = [
    # slug, name, kind, category, params
    ("long-pending-12", "未结超过12个月", "long_pending", 1, {"months": 12}),
    ("remanded-return", "发回重审后重新立案", "remanded_return", 1, {}),
]


def seed_rules(apps, schema_editor):
    FourTypeRule = apps.get_model("supervision", "FourTypeRule")
    for slug, name, kind, category, params in RULES:
        FourTypeRule.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "category": category, "params": params}
        )


def unseed_rules(apps, schema_editor):
    FourTypeRule = apps.get_model("supervision", "FourTypeRule")
    FourTypeRule.objects.filter(slug__in=[slug for slug, *_ in RULES], marks__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
        migrations.RunPython(seed_rules, unseed_rules),
    ]
