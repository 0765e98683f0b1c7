from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("审判监督管理")

    def ready(self):
        from supervision import signals  # noqa: F401  (connects the receivers)

        # --- issue 12: consultations (add below this line) ---
        # --- issue 12: quality reviews (add below this line) ---
        # --- issue 12: effects (add below this line) ---
