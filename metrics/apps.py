from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "metrics"
    verbose_name = _("审判质效指标")

    def ready(self):
        from metrics.reading.pagecache import connect

        connect()  # courts changed: a new results generation (the court tree is kept under it)
