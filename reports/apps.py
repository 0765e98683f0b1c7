from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("动态与讲评")

    def ready(self):
        from reports.queue import register_queue_source

        register_queue_source()  # the health check's findings in the office's 我的待办
        # --- issue 12: meetings (add below this line) ---
        # --- issue 12: talks (add below this line) ---
