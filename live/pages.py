"""The built-in pages: the participant page (QR target) and the presenter's big screen.

Plain Django views rendering templates; everything live comes from the public REST API through
small static ES modules (``live/static/live``). Templates receive only what the first paint needs
and pass it to the scripts through ``json_script`` (escaped, never inline JavaScript).
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.i18n import JavaScriptCatalog

from activities.staticfinders import URL_PREFIX, type_static_dir
from activities.types import TYPE_PACKAGES, get_type
from live import reactions
from sessions_app import roles
from sessions_app.models import Session
from sessions_app.selectors import join_code_clean, sessions_with_code


def type_renderers(page: str) -> dict[str, dict[str, Any]]:
    """The registry the page's script loads (``json_script`` ``caja-types``, beside the config):
    per type key (in ``TYPE_PACKAGES`` order) its label, what the controls need (reveal, reset,
    the state key it adds) and the URL of its renderer for this page (``page``: ``phone``,
    ``presenter`` or ``moderation``; ``None`` when the package has none), through ``static()`` so
    hashed file names work."""
    types: dict[str, dict[str, Any]] = {}
    for key in TYPE_PACKAGES:
        t = get_type(key)
        has_module = (type_static_dir(key) / f"{page}.js").is_file()
        types[key] = {
            # The API's labels stay English (one cached /state for every phone); the pages translate.
            "label": gettext(t.label),
            "supports_reveal": t.supports_reveal,
            "supports_reset": t.supports_reset,
            "state_key": t.state_key,
            "module": static(f"{URL_PREFIX}/{key}/{page}.js") if has_module else None,
        }
    return types


@cache
def catalog_version() -> str:
    """Changes when a JavaScript catalog changes (a deploy): part of the catalog's URL, so browsers
    may keep it for a year and still never pair new page code with old words."""
    digest = hashlib.sha256()
    for path in sorted(Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/djangojs.mo")):
        digest.update(path.parent.parent.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def _catalog_url(language: str) -> str:
    return f"{reverse('live:js-catalog', args=[language])}?v={catalog_version()}"


@cache
def _catalog_body(language: str) -> bytes:
    with translation.override(language):
        response = JavaScriptCatalog(domain="djangojs").get(HttpRequest())
    return response.content


def js_catalog(request: HttpRequest, language: str) -> HttpResponse:
    """``/jsi18n/<language>.js``: Django's JavaScript catalog (gettext, ngettext, interpolate) for one
    of settings.LANGUAGES, named in the URL rather than taken from the request so the presenter
    can speak the session's language whatever the screen's browser says. Built once per process."""
    if language not in dict(settings.LANGUAGES):
        raise Http404("No such language.")
    response = HttpResponse(_catalog_body(language), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def _clean_code(raw: str) -> str:
    return "".join((raw or "").split()).upper()


def _session_for_code(code: str) -> Session | None:
    """The open session with this code, else the latest completed one (a code is reused only once
    its session is over, so a returning participant of a finished session still finds it)."""
    clean = join_code_clean(code)
    return sessions_with_code(clean).first() if clean is not None else None


def join_start(request: HttpRequest) -> HttpResponse:
    """``/join``: ask for the code (works without JavaScript), then go to ``/join/<CODE>``."""
    code = _clean_code(request.GET.get("code", ""))
    if code:
        return HttpResponseRedirect(reverse("live:join", args=[code]))
    context = {"page_title": gettext("Join a session"), "catalog_url": None}
    return render(request, "live/join_start.html", context)


def join(request: HttpRequest, code: str) -> HttpResponse:
    """``/join/<code>``: the participant page."""
    clean = _clean_code(code)
    if clean != code:
        return HttpResponseRedirect(reverse("live:join", args=[clean]))
    session = _session_for_code(clean)
    config: dict[str, Any] = {
        "join_code": clean,
        "session_id": str(session.pk) if session else None,
        "session_name": session.name if session else None,
        "session_status": session.status if session else None,
    }
    context = {
        "page_title": session.name if session else gettext("Session not found"),
        "session": session,
        "join_code": clean,
        "config": config,
        "types": type_renderers("phone"),
        "reactions": reactions.for_page(),
        # The phone's language (LocaleMiddleware: the switcher's cookie, else Accept-Language).
        "catalog_url": _catalog_url(translation.get_language()),
    }
    return render(request, "live/join.html", context, status=200 if session else 404)


def present(request: HttpRequest, session_id: UUID) -> HttpResponse:
    """``/present/<uuid>``: the big screen, in the session's language whatever the screen's browser
    says; its control bar by role (sessions_app.roles): the lifecycle buttons for the lifecycle
    right, the link to the moderation page for the moderation right (a moderator's whole bar)."""
    session = Session.objects.select_related("owner").filter(pk=session_id).first()
    if session is None:
        raise Http404("Session not found.")
    with translation.override(session.language):
        response = _present(request, session)
    response["Content-Language"] = session.language
    return response


def _controls(request: HttpRequest, session: Session, right: str) -> bool:
    """Whether the signed-in user (the session cookie: the admin's login) holds ``right`` on the
    session (sessions_app.roles: a member whose role has it, or a superuser)."""
    return roles.can(request.user, session, right)


def _present(request: HttpRequest, session: Session) -> HttpResponse:
    can_control = _controls(request, session, "lifecycle")
    # A moderator drives nothing on the big screen, yet gets the control bar's way to moderation.
    can_moderate = _controls(request, session, "moderation")
    config: dict[str, Any] = {
        "session_id": str(session.pk),
        "session_name": session.name,
        "session_status": session.status,
        "join_code": session.join_code,
        "join_url": session.join_url,
        "qr_url": f"/api/v1/sessions/{session.pk}/qr.svg",
        "can_control": can_control,
        "can_moderate": can_moderate,
        "csrf_token": get_token(request) if can_control or can_moderate else None,
    }
    context = {
        "page_title": session.name,
        "session": session,
        "config": config,
        "types": type_renderers("presenter"),
        "reactions": reactions.for_page(),
        "can_control": can_control,
        "can_moderate": can_moderate,
        "participant_count": session.participants.filter(kicked_at__isnull=True).count(),
        # Where the join URL may break on the big screen: after a slash ("…/join/" + "CODE"), never mid-word.
        "join_url_parts": [part for part in re.findall(r"[^/]*/*", session.join_url) if part],
        "catalog_url": _catalog_url(session.language),
    }
    return render(request, "live/present.html", context)


def moderate(request: HttpRequest, session_id: UUID) -> HttpResponse:
    """``/present/<uuid>/moderate``: moderation (Q&A questions, ...) for a member with the moderation
    right (sessions_app.roles: owner, co-organizer, presenter, moderator) or a superuser, on a
    screen of their own (a second tab, a laptop, a phone), never on the shared one. Type-agnostic: it
    loads the types' ``moderation.js``. In the moderator's own language, like a phone."""
    session = Session.objects.filter(pk=session_id).first()
    if session is None:
        raise Http404("Session not found.")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    # As in the API: an organizer who is not on the team (or a signed-in user who is no organizer)
    # does not learn that the session exists; a member without the right is refused.
    if not roles.is_member(request.user, session):
        raise Http404("Session not found.")
    if not _controls(request, session, "moderation"):
        raise PermissionDenied
    config: dict[str, Any] = {
        "session_id": str(session.pk),
        "session_name": session.name,
        # The lifecycle right: a presenter's extras on this page (the slides' speaker notes).
        "can_control": _controls(request, session, "lifecycle"),
        "csrf_token": get_token(request),
    }
    context = {
        "page_title": gettext("Moderation: %(name)s") % {"name": session.name},
        "session": session,
        "config": config,
        "types": type_renderers("moderation"),
        "present_url": reverse("live:present", args=[session.pk]),
        "catalog_url": _catalog_url(translation.get_language()),
    }
    return render(request, "live/moderate.html", context)
