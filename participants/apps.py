from __future__ import annotations

from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "participants"

    def ready(self) -> None:
        # Here, not at import time: both modules import what needs the app registry (models, DRF).
        from core import metrics, views

        from .authentication import ParticipantTokenAuthentication
        from .metrics import DatabaseCollector

        metrics.register_scrape_collector(DatabaseCollector())
        views.participant_token_authentication = ParticipantTokenAuthentication
