from django.db import migrations


class Migration(migrations.Migration):
    """Tell the planner how few (court, division, judge) combinations there are.

    Without it PostgreSQL multiplies the columns' distinct counts and expects ~100,000 groups,
    so it groups the cases by unit serially; knowing there are a few hundred, it aggregates in
    parallel workers (the indicator scan, the unit counts). Django has no model option for
    CREATE STATISTICS, hence RunSQL.
    """

    dependencies = [("cases", "0003_case_indexes")]

    operations = [
        migrations.RunSQL(
            "CREATE STATISTICS IF NOT EXISTS case_unit_stats (ndistinct) "
            "ON court_id, division_id, judge_id FROM cases_case",
            "DROP STATISTICS IF EXISTS case_unit_stats",
        ),
    ]
