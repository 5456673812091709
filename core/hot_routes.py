"""How an app declares a hot path once: its route, view, name and the methods the lean handler
serves. The app's URLconf makes its ``path`` from the declaration, the lean URLconf
(caja.hot_urls) gathers the declarations, and the WSGI dispatcher (caja.wsgi.is_hot) resolves a
request against that URLconf, so no route is spelled twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, path

READS = frozenset({"GET", "HEAD"})
WRITES = frozenset({"POST"})


@dataclass(frozen=True, slots=True)
class HotRoute:
    """``route`` as for django.urls.path (relative to ``/api/v1/``), the plain Django view, the URL
    name (metrics count polls and answers by it) and the methods that take the lean handler; any
    other method on the route (an organizer's GET, a CORS preflight) gets the full stack."""

    route: str
    view: Callable[..., Any]
    name: str
    methods: frozenset[str]

    def pattern(self) -> URLPattern:
        return path(self.route, self.view, name=self.name)
