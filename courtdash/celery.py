import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courtdash.settings")

# Every task counts its starts: one whose worker died at each start is not redelivered forever.
app = Celery("courtdash", task_cls="courtdash.taskstarts:CountedTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["courtdash"])  # the nightly pipeline (courtdash.tasks)
