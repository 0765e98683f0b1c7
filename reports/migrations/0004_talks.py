"""约谈提醒 (talks): its models. Owned by the talks work; empty until then."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_meetings"),
    ]

    operations = []
