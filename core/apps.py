from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Caja core"

    def ready(self) -> None:
        from django.core.signals import request_started

        from core.db_health import close_gone_connections

        # After Django's own close_old_connections (connected when django.db was imported), so a
        # connection past its CONN_MAX_AGE is already closed and not polled.
        request_started.connect(close_gone_connections, dispatch_uid="core.close_gone_connections")
