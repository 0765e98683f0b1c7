"""约谈提醒 (talks): the suggestion rules' settings, the talks and their commitments."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_ranking_setting"),
        ("reports", "0003_meetings"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Talk",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("held_on", models.DateField(verbose_name="约谈日期")),
                ("attendees", models.TextField(blank=True, verbose_name="参加人员")),
                ("problems", models.TextField(verbose_name="指出的问题")),
                ("suggestion", models.JSONField(blank=True, default=dict, verbose_name="约谈提示")),
                (
                    "recorded_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="登记时间"
                    ),
                ),
                (
                    "conducted_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="约谈人",
                    ),
                ),
                (
                    "court",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cases.court",
                        verbose_name="法院",
                    ),
                ),
                (
                    "division",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cases.division",
                        verbose_name="部门",
                    ),
                ),
                (
                    "judge",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cases.judge",
                        verbose_name="法官",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="登记人",
                    ),
                ),
            ],
            options={
                "verbose_name": "约谈",
                "verbose_name_plural": "约谈",
                "ordering": ["-held_on", "-id"],
            },
        ),
        migrations.CreateModel(
            name="TalkCommitment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.TextField(verbose_name="承诺事项")),
                ("due_on", models.DateField(verbose_name="完成期限")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("open", "落实中"),
                            ("reported", "已报告待核销"),
                            ("done", "已核销"),
                        ],
                        default="open",
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                ("report", models.TextField(blank=True, verbose_name="落实情况")),
                (
                    "reported_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="报告时间"),
                ),
                ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="核销时间")),
                ("close_note", models.TextField(blank=True, verbose_name="核销意见")),
                (
                    "closed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="核销人",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="责任人",
                    ),
                ),
                (
                    "talk",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="commitments",
                        to="reports.talk",
                        verbose_name="约谈",
                    ),
                ),
            ],
            options={
                "verbose_name": "约谈整改承诺",
                "verbose_name_plural": "约谈整改承诺",
                "ordering": ["due_on", "id"],
            },
        ),
        migrations.CreateModel(
            name="TalkRuleSetting",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("below_warning", "连续多周低于预警线"),
                            ("repeated_findings", "办案体检反复发现同一问题"),
                            ("unanswered_letters", "督办通知、函询逾期未答复"),
                            ("long_pending_above_peers", "长期未结占比远高于同级"),
                        ],
                        max_length=32,
                        verbose_name="提示规则",
                    ),
                ),
                ("enabled", models.BooleanField(default=True, verbose_name="启用")),
                ("params", models.JSONField(default=dict, verbose_name="参数")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="说明")),
                ("changed_at", models.DateTimeField(auto_now_add=True, verbose_name="修改时间")),
                (
                    "changed_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="修改人",
                    ),
                ),
            ],
            options={
                "verbose_name": "约谈提示规则",
                "verbose_name_plural": "约谈提示规则",
                "ordering": ["-changed_at", "-id"],
            },
        ),
        migrations.AddIndex(
            model_name="talk",
            index=models.Index(fields=["court", "held_on"], name="talk_court_held_idx"),
        ),
        migrations.AddConstraint(
            model_name="talk",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("judge__isnull", True), ("division__isnull", False), _connector="OR"
                ),
                name="talk_judge_has_division",
            ),
        ),
        migrations.AddIndex(
            model_name="talkcommitment",
            index=models.Index(fields=["state", "due_on"], name="talk_commitment_state_idx"),
        ),
        migrations.AddIndex(
            model_name="talkcommitment",
            index=models.Index(fields=["owner", "state"], name="talk_commitment_owner_idx"),
        ),
        migrations.AddIndex(
            model_name="talkrulesetting",
            index=models.Index(fields=["kind", "-changed_at"], name="talk_rule_kind_idx"),
        ),
    ]
