"""The URLconf of the lean handler (caja.wsgi): only the hot paths, so resolving them is a short
walk instead of the whole site's. The routes are the apps' own declarations (``hot_routes`` in
activities.urls and live.api_urls), the same views under the same names and routes as in the full
site; caja.wsgi decides which requests are hot by resolving against this URLconf."""

from __future__ import annotations

from django.urls import include, path

from activities.urls import hot_routes as answer_routes
from core.hot_routes import HotRoute
from live.api_urls import hot_routes as live_routes

# The votes and the state first: URL resolution is linear. The names matter: core.metrics
# recognizes polls and answers by URL name.
HOT_ROUTES: list[HotRoute] = [*answer_routes, *live_routes]

# The methods the lean handler serves, by URL name.
METHODS = {route.name: route.methods for route in HOT_ROUTES}
PREFIX = "api/v1/"

urlpatterns = [path(PREFIX, include([route.pattern() for route in HOT_ROUTES]))]
