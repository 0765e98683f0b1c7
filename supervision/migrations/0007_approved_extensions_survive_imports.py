"""Extensions approved in Courtdash move to cases_case.approved_extension_days.

Until now an approval added its days to the imported extension_days, which the next import
overwrote. Each case with an approved request gets, as its Courtdash total, the extension its
deadline counts now plus what an import has since taken back (the gap to the latest approval's
new deadline), and its deadline moves back to where the trail says it went.
"""

from django.db import migrations

FORWARD = """
WITH latest AS (
  SELECT DISTINCT ON (case_id) case_id, new_deadline
  FROM supervision_extensionrequest
  WHERE state = 'approved' AND new_deadline IS NOT NULL
  ORDER BY case_id, decided_at DESC NULLS LAST, id DESC
)
UPDATE cases_case c
SET approved_extension_days = c.extension_days + GREATEST(l.new_deadline - c.deadline, 0),
    deadline = c.deadline + GREATEST(l.new_deadline - c.deadline, 0)
FROM latest l
WHERE l.case_id = c.id AND c.deadline_on IS NULL AND c.deadline IS NOT NULL
"""

# Back to one column: the imported total takes the approvals in again.
BACKWARD = """
UPDATE cases_case SET extension_days = GREATEST(extension_days, approved_extension_days)
WHERE approved_extension_days > extension_days
"""


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0006_joint_inspection_approval"),
        ("cases", "0005_case_approved_extension_days"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
