# The one RunStatus of every run row (cases.runs): the running label is shared now.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("metrics", "0005_pending_age_profile")]

    operations = [
        migrations.AlterField(
            model_name="computationrun",
            name="status",
            field=models.CharField(
                choices=[("running", "进行中"), ("done", "已完成"), ("failed", "失败")],
                max_length=8,
                verbose_name="状态",
            ),
        ),
    ]
