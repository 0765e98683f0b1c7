"""数据会商 (data-review meeting): its models."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_health_rule_setting"),
        ("supervision", "0013_effects"),
    ]

    operations = []
