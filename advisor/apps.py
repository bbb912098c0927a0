import logging

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger("advisor")


class AdvisorConfig(AppConfig):
    name = "advisor"
    verbose_name = "Advisors, firms and clients"

    def ready(self):
        modes = ", ".join(
            f"{key}={value}" for key, value in settings.RUNTIME_MODES.items()
        )
        logger.debug("Advisor Twin runtime modes: %s", modes)
