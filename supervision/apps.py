from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("审判监督管理")

    def ready(self):
        from supervision.quality_queue import register_quality_sources
        from supervision.selectors.consultations import register_queue_sources
        from supervision.selectors.queue_count import connect as connect_queue_count
        from supervision.services.consultations import register_reminder_source

        register_queue_sources()  # 事先沟通: answers and outcomes in 我的待办
        register_reminder_source()  # … and the answer's reminders
        register_quality_sources()  # 评查: scoring and rectifications in 我的待办, reminders
        connect_queue_count()  # the top bar's cached count: a new generation after each write
