# The staging tables of the fanned-out nightly pass (metrics.computation.fanout; issue 13 item 6).
import django.contrib.postgres.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("metrics", "0007_registry")]

    operations = [
        migrations.CreateModel(
            name="FanoutBaseRow",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("run", models.UUIDField(db_index=True)),
                ("court_id", models.BigIntegerField()),
                ("division_id", models.BigIntegerField()),
                ("judge_id", models.BigIntegerField()),
                ("cases", models.BigIntegerField()),
                (
                    "measures",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.DecimalField(decimal_places=12, max_digits=40), size=None
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="FanoutChunk",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("run", models.UUIDField()),
                ("number", models.PositiveIntegerField()),
                ("as_of", models.DateField()),
                (
                    "periods",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=3), size=None
                    ),
                ),
                (
                    "courts",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.BigIntegerField(), size=None
                    ),
                ),
                ("fingerprint", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("done_at", models.DateTimeField(blank=True, null=True)),
                ("done_by", models.CharField(blank=True, max_length=200)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("run", "number"), name="fanout_chunk_unique")
                ],
            },
        ),
        # Staging: never replicated nor WAL-logged (a crash empties it, and the run is redone).
        migrations.RunSQL(
            "ALTER TABLE metrics_fanoutbaserow SET UNLOGGED",
            "ALTER TABLE metrics_fanoutbaserow SET LOGGED",
        ),
    ]
