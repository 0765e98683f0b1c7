# The top bar's 我的待办 count (supervision.selectors.queue_count) and the work queue page count
# each kind of item in the user's reach: rows of a supervision table joined to their case for
# the unit checks (cases.units: the case's court, division, judge; closed or not). With analyzed
# statistics PostgreSQL read the whole case table for it (a parallel hash join: about 600 ms for
# the city office's reviews at 1,000,000 cases); with this covering index it looks each case up
# in the index alone (index-only nested loop, about 20 times cheaper).
#
# On the case table, written here with SQL: the index serves the queue's scope checks. The
# import's bulk path drops and rebuilds the case table's secondary indexes by itself
# (cases.importing.writer.SECONDARY_INDEXES), this one included. Built CONCURRENTLY: the case
# table stays writable while it is built.
from django.db import migrations


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("supervision", "0013_effects")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS case_scope_cover_idx ON cases_case (id) "
            "INCLUDE (court_id, division_id, judge_id, closed_on)",
            "DROP INDEX CONCURRENTLY IF EXISTS case_scope_cover_idx",
        )
    ]
