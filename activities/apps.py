from __future__ import annotations

from typing import Any

from django.apps import AppConfig

from sessions_app.signals import session_completed


class ActivitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "activities"

    def ready(self) -> None:
        # Here, not at import time: services import models, which need the app registry.
        from .services import activities_expire_live

        def expire_live(sender: Any, *, session: Any, now: Any, **kwargs: Any) -> None:
            activities_expire_live(session=session, now=now)

        session_completed.connect(expire_live, dispatch_uid="activities_expire_live", weak=False)
