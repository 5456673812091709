"""Sentinels shared by the session services."""

from __future__ import annotations

from typing import Any

# "Not given" for the services' optional fields (None is a value: no description, no teams).
UNSET: Any = object()
