"""跟踪问效 (did it work?): its models."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0012_quality_reviews"),
    ]

    operations = []
