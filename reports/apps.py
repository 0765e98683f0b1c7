from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("动态与讲评")

    def ready(self):
        from reports.meeting_queue import register_meeting_sources
        from reports.queue import register_queue_source
        from reports.talks.queue import register_talks

        register_queue_source()  # the health check's findings in the office's 我的待办
        register_meeting_sources()  # meeting actions: 我的待办 and reminders
        register_talks()  # talk commitments: 我的待办 and reminders
