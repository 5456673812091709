from __future__ import annotations

from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "participants"

    def ready(self) -> None:
        # Here, not at import time: both modules import what needs the app registry (models, DRF).
        from core import metrics, views
        from sessions_app.signals import session_deleting

        from .authentication import ParticipantTokenAuthentication
        from .metrics import DatabaseCollector
        from .services import revoke_session_tokens

        metrics.register_scrape_collector(DatabaseCollector())
        views.participant_token_authentication = ParticipantTokenAuthentication
        session_deleting.connect(revoke_session_tokens, dispatch_uid="participants_revoke_tokens", weak=False)
