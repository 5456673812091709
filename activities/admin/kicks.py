"""Kicking a participant from the session overview page (the participants changelist has its own
actions, participants/admin.py): the same service as the API's DELETE."""

from __future__ import annotations

import uuid

from django.contrib import admin, messages
from django.http import Http404, HttpRequest

from participants import services as participant_services
from participants.models import Participant
from sessions_app.models import Session


def kick_from_overview(modeladmin: admin.ModelAdmin, request: HttpRequest, session: Session) -> None:
    """Handle the overview's kick form (``op=kick``, ``participant``, ``purge=1``): 404 for anything
    else or for a participant of another session."""
    if request.POST.get("op") != "kick":
        raise Http404
    try:
        participant_id = uuid.UUID(request.POST.get("participant", ""))
    except ValueError:
        raise Http404("Unknown participant.") from None
    participant = Participant.objects.filter(session=session, pk=participant_id).first()
    if participant is None:
        raise Http404("Unknown participant.")
    purge = request.POST.get("purge") == "1"
    participant_services.participant_kick(participant=participant, purge=purge, actor=request.user)
    modeladmin.message_user(
        request,
        f"{participant.nickname} was removed{' with their answers' if purge else ''}.",
        messages.SUCCESS,
    )
