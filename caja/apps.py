from __future__ import annotations

from django.apps import AppConfig


class CajaConfig(AppConfig):
    name = "caja"
    verbose_name = "Caja"
