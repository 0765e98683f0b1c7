"""评查 (case quality review): its models."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0011_consultations"),
    ]

    operations = []
