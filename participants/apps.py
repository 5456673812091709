from __future__ import annotations

from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "participants"

    def ready(self) -> None:
        # Here, not at import time: both modules import what needs the app registry (models, DRF).
        from caja import metrics

        from .metrics import DatabaseCollector

        metrics.register_scrape_collector(DatabaseCollector())
