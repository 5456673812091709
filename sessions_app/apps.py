from __future__ import annotations

from django.apps import AppConfig


class SessionsAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sessions_app"
    verbose_name = "Sessions"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .members import on_user_logged_in

        # An invitation turns into a membership when its organizer signs in (admin login, the
        # JWT obtain in caja.auth_urls; single sign-on later).
        user_logged_in.connect(on_user_logged_in, dispatch_uid="caja_invitations_bind")
