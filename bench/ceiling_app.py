"""The ceiling C2: a bare Django app (no middleware, no apps, no database) returning constant bytes.

Served by the same gunicorn config as Caja (`gunicorn -c deploy/gunicorn.conf.py bench.ceiling_app`),
it is what Django and gunicorn cost on this machine before any of our work: the poll and vote paths
are measured as a fraction of it.
"""

from __future__ import annotations

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-ceiling-" + "k" * 40,
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
    USE_TZ=True,
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

_BODIES: dict[int, bytes] = {}


def constant(request: HttpRequest, size: int) -> HttpResponse:
    body = _BODIES.get(size)
    if body is None:
        body = _BODIES[size] = b"x" * min(size, 1_000_000)
    return HttpResponse(body, content_type="application/json")


urlpatterns = [path("bench/constant/<int:size>", constant)]
application = get_wsgi_application()
