"""An indicator is one object (metrics.definitions.registry): the totals' tie-break column is named for
what it holds — the value of the registry's tie-breaking indicator — not for one indicator."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("metrics", "0006_pipeline")]

    operations = [
        migrations.RenameField(
            model_name="scopescore", old_name="clearance_rate", new_name="tie_break_value"
        ),
        migrations.AlterField(
            model_name="scopescore",
            name="tie_break_value",
            field=models.FloatField(blank=True, null=True, verbose_name="同分时比较的指标值"),
        ),
    ]
