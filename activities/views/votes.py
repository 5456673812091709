"""The vote fast path: ``POST .../activities/{aid}/responses`` as a plain Django view.

It is what a room of phones sends within seconds of a question opening, served by the lean handler
(caja.wsgi) through the lean URLconf (caja.hot_urls). ``vote_answer`` is a plain function of the
request's values (no DRF request wrapping, negotiation, serializers or request transaction):
  1 cache round trip  read the token's participant, the session's structure version, the
                      activity's cached answer rules and the token's throttle window (MGET);
  1 database round trip  INSERT ... ON CONFLICT in autocommit (activities.services.response_store);
  1 cache round trip  the state version and the throttle window, pipelined.
Anything unusual (no or unknown token, a token of another session, a body that is not a plain JSON
object with only response_data) goes to the DRF view (activities.views.answers.ResponsesView),
which answers it with the same codes and messages; so does GET (the organizer's list). The body is
decoded once: the DRF view's parser takes what this view decoded (core.parsers.decode_json_body).
"""

from __future__ import annotations

import contextlib
import math
import time
from typing import Any
from uuid import UUID

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from core import cache_ops, state_version
from core.errors import DomainError, NotFound, json_error
from core.parsers import decode_json_body, json_depth_exceeds
from core.throttles import ParticipantTokenThrottle
from participants import tokens

from .. import selectors, services
from .answers import ResponsesView

_JSON_TYPES = ("application/json",)


def plain_answer(request: HttpRequest) -> dict[str, Any] | None:
    """The request body when it is a plain UTF-8 JSON object of the answer's shape, else None.
    A JSON body is decoded here once, also when it is not of that shape (the DRF view reuses it)."""
    media, _, params = request.META.get("CONTENT_TYPE", "").partition(";")
    if media.strip().lower() not in _JSON_TYPES or (params and "utf-8" not in params.lower()):
        return None
    decoded = decode_json_body(request)
    data = decoded.data
    if decoded.malformed or not isinstance(data, dict) or set(data) != {"response_data"}:
        return None
    if json_depth_exceeds(data):
        return None
    return data


def _stored_answer(response: services.StoredAnswer) -> JsonResponse:
    return JsonResponse(
        {
            "id": str(response.id),
            "activity_id": str(response.activity_id),
            "participant_id": str(response.participant_id),
            "response_data": response.response_data,
            "created_at": _iso(response.created_at),
            "updated_at": _iso(response.updated_at),
        },
        status=201 if response.created else 200,
    )


def _iso(value: Any) -> str:
    # DRF's DateTimeField output (settings: UTC, ISO 8601 with Z).
    return str(value.isoformat()).replace("+00:00", "Z")


def vote_answer(
    *, session_id: UUID | str, activity_id: UUID | str, token: str, payload: dict[str, Any]
) -> HttpResponse | None:
    """The fast path's answer to a vote whose body is the plain ``payload``, or None when the DRF
    view must answer (a token it cannot use, a token of another session); None is decided before
    the answer is stored or any counter moves.

    Domain errors become their envelope; any other exception (a database outage) propagates to
    the lean handler's error handling (core.middleware.ApiErrorPageMiddleware)."""
    if not tokens.usable_token(token):
        return None
    token_hash = tokens.token_hash(token)
    throttle = ParticipantTokenThrottle()
    now = time.time()
    window = throttle.window_key(token_hash, now) if throttle.rate else None
    keys = [tokens.cache_key(token_hash), state_version.structure_key(session_id)]
    if window:
        keys.append(window)
    try:
        cached = cache_ops.get_many(keys)
        structure_version = cached.get(keys[1])
        if structure_version is None:
            structure_version = state_version.current_or_raise(session_id, key=keys[1])
    except Exception:  # cache down: the database answers everything, throttles fail open
        cached, structure_version, window = {}, None, None
    ref = tokens.participant_ref_for_hash(token_hash, cached.get(keys[0]))
    if ref is None or not tokens.of_session(session_id, ref[1]):
        return None
    if window and int(cached.get(window) or 0) >= throttle.num_requests:
        wait = throttle.window_wait(now)
        return json_error(
            429,
            "THROTTLED",
            gettext("Too many requests. Please slow down."),
            {"retry_after": int(wait + 0.999)},
            {"Retry-After": str(max(1, math.ceil(wait)))},
        )
    counters = [(window, 0, int(throttle.duration) + 1)] if window else []
    try:
        rules = selectors.local_answer_rules(activity_id, structure_version)
        if rules is None:  # a structure change (or a new worker): the shared copy, else the database
            rules = selectors.activity_answer_rules(
                session_id,
                activity_id,
                cached=_cache_get_quietly(selectors.answer_rules_key(activity_id)),
                structure_version=structure_version,
            )
        if rules is None:
            raise NotFound(gettext("Activity not found."))
        stored = services.response_submit_fast(
            rules=rules,
            participant_id=ref[0],
            response_data=payload["response_data"],
            counters=counters,
        )
    except DomainError as exc:
        if counters:  # a refused answer counts against the limit too, as on the DRF path
            with contextlib.suppress(Exception):
                cache_ops.incr_seeded(counters)
        return json_error(exc.status_code, exc.code, exc.message, exc.details)
    return _stored_answer(stored)


def _cache_get_quietly(key: str) -> Any:
    try:
        return cache.get(key)
    except Exception:
        return None


_drf_responses_view = ResponsesView.as_view()


def _drf_answer(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    # What ATOMIC_REQUESTS gives every other view: DRF's error handler marks the transaction
    # for rollback, which must be this request's own.
    with transaction.atomic():
        return _drf_responses_view(request, **kwargs)


@csrf_exempt
@transaction.non_atomic_requests
def responses_view(request: HttpRequest, session_id: UUID, activity_id: UUID) -> HttpResponse:
    token = request.META.get(tokens.ENVIRON_KEY)
    if request.method != "POST" or not tokens.usable_token(token):
        return _drf_answer(request, session_id=session_id, activity_id=activity_id)
    payload = plain_answer(request)
    answer = None
    if payload is not None:
        answer = vote_answer(
            session_id=session_id, activity_id=activity_id, token=token or "", payload=payload
        )
    if answer is None:
        return _drf_answer(request, session_id=session_id, activity_id=activity_id)
    return answer


# drf-spectacular documents the DRF view's GET and POST under this path.
setattr(responses_view, "cls", ResponsesView)  # noqa: B010
setattr(responses_view, "initkwargs", {})  # noqa: B010
