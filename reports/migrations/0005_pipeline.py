# The one RunStatus of every run row (cases.runs), and the steps of the nightly pipeline.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_talks")]

    operations = [
        migrations.AlterField(
            model_name="healthcheckrun",
            name="status",
            field=models.CharField(
                choices=[("running", "进行中"), ("done", "已完成"), ("failed", "失败")],
                max_length=8,
                verbose_name="状态",
            ),
        ),
        migrations.CreateModel(
            name="PipelineStep",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("as_of", models.DateField(verbose_name="数据截止日")),
                (
                    "step",
                    models.CharField(
                        choices=[
                            ("indicators", "指标计算"),
                            ("abnormalities", "异常研判"),
                            ("health_check", "办案体检"),
                            ("reversal_reviews", "发改再评查立项"),
                            ("four_type", "四类案件提示"),
                            ("effects", "跟踪问效"),
                            ("reminders", "到期提醒"),
                            ("retention", "历史数据清理"),
                        ],
                        max_length=20,
                        verbose_name="步骤",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("running", "进行中"), ("done", "已完成"), ("failed", "失败")],
                        max_length=8,
                        verbose_name="状态",
                    ),
                ),
                ("started_at", models.DateTimeField(verbose_name="开始时间")),
                (
                    "finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="完成时间"),
                ),
                ("result", models.JSONField(blank=True, default=dict, verbose_name="结果")),
                ("error", models.TextField(blank=True, verbose_name="错误")),
            ],
            options={
                "verbose_name": "夜间处理步骤",
                "verbose_name_plural": "夜间处理步骤",
                "ordering": ["-as_of", "started_at"],
                "constraints": [
                    models.UniqueConstraint(fields=("as_of", "step"), name="pipeline_step_unique")
                ],
            },
        ),
    ]
