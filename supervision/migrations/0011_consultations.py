"""拟发改再事先沟通 (consultation before a reversal): its models."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0009_reminder_subjects_issue_12"),
    ]

    operations = []
