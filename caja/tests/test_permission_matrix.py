"""Who may do what: every endpoint of the contract × every role, in one table.

Roles: anonymous, organizer A (owns session X), organizer B (owns session Y), a superuser, a
participant of X, a participant of Y, and a kicked participant of X; and A's team on X (contract v1.2):
a co_organizer, a presenter and a moderator, each allowed what the role table of the contract says
(sessions_app.roles.RIGHTS) and 403 PERMISSION_DENIED for the rest. Organizers send real JWTs,
participants their X-Participant-Token. Two more columns send an API key (``Authorization: Api-Key``):
the owner's, and the presenter's (a member with a lesser role); a key acts as its user, so each of
those columns expects exactly its user's cell (KEY_OF). Each cell is one request against a fresh
world; the expected status comes from the contract (401 without credentials, 403 for a participant
token on an organizer action or on another session, 404 for another organizer's session).

Multipart rows (media, deck) send an ``Upload``: a tiny PNG or a one-page PDF made in the test. A
self-paced session P of the owner (with teams) carries the rows that need one (a participant's start
and progress, a team move); on P's paths the participant columns send P's tokens (part_x's and the
kicked one's there; part_y's stays Y's). A series is its owner's alone: 404 for any other organizer,
the owner's team included, except the trends of a series holding a session of theirs (P's). Below
ROWS, a completeness test: every method of every api/v1 URL that Django's resolver lists has a row
(or a reasoned entry in NOT_IN_MATRIX), so a new endpoint fails the matrix until it has one.

Below the matrix: the presenter and moderation pages by role, an API key of a deactivated user (401,
nothing changed), and public reads that never show tokens, a quiz's correct option before it is
revealed, poker votes before the reveal, or another organizer's sessions.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Max
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from PIL import Image
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from activities import services as activity_services
from activities.models import Activity, Response
from activities.services import media as media_services
from activities.tests.factories import CONFIGS
from activities.tests.pdfs import make_pdf
from activities.types.qna import services as qna_services
from core import api_keys
from core.models import OrganizerApiKey
from live.snapshot import forget_local
from participants import services as participant_services
from participants.models import Participant
from sessions_app import members
from sessions_app import services as session_services
from sessions_app.models import AuditEntry, Session, SessionMember

pytestmark = pytest.mark.django_db

ROLES = (
    "anon",
    "owner",
    "co",
    "presenter",
    "moderator",
    "other",
    "super",
    "nonstaff",
    "part_x",
    "part_y",
    "kicked",
    "key_owner",
    "key_presenter",
)
# An API key acts as its user: its column is its user's (a row may still name a key column of its own).
KEY_OF = {"key_owner": "owner", "key_presenter": "presenter"}
TEAM = ("co", "presenter", "moderator")
OK = "ok"  # the row's success status
# An organizer action on session X.
# "nonstaff": an authenticated user who is not staff (organizers are active staff users): 403.
# An organizer action on session X with the "read" right: every member of the team.
ORG = {
    "anon": 401,
    "owner": OK,
    "co": OK,
    "presenter": OK,
    "moderator": OK,
    "other": 404,
    "super": OK,
    "nonstaff": 403,
    "part_x": 403,
    "part_y": 403,
    "kicked": 401,
}
# The rights of the contract's role table (v1.2) beyond "read".
EDIT = {**ORG, "presenter": 403, "moderator": 403}
LIFECYCLE = {**ORG, "moderator": 403}
MODERATION = ORG
MEMBERS = {**ORG, "presenter": 403, "moderator": 403}
OWNERSHIP = {**ORG, "co": 403, "presenter": 403, "moderator": 403}
# An organizer action that is not about one session (create, list).
ORG_ANY = {**ORG, "other": OK}
# A participant action in session X.
PART = {
    "anon": 401,
    "owner": 401,
    "co": 401,
    "presenter": 401,
    "moderator": 401,
    "other": 401,
    "super": 401,
    "nonstaff": 401,
    "part_x": OK,
    "part_y": 403,
    "kicked": 401,
}
# The caller's own participant record.
ME = {**PART, "part_y": OK}
PUBLIC = dict.fromkeys(ROLES, OK)
# A series is its owner's alone (and a superuser's): any other organizer, a member of the owner's
# sessions included, gets 404 (sessions_app.roles.can_manage_series); only the trends of a series
# answer a member of one of its sessions (those sessions' trends: the "read" right).
SERIES = {**ORG, "co": 404, "presenter": 404, "moderator": 404}
# The Q&A's question list: "none / participant / organizer" in the contract.
QNA_READ = {**PUBLIC, "part_y": 403, "kicked": 401}


@dataclass
class World:
    sid: str
    sid_y: str
    code: str
    quiz: str  # expired: can be revealed
    poker: str  # active, current, answered by part_x
    poll: str  # draft: editable, next to activate
    cloud: str  # draft, "secret" hidden
    victim: str  # a participant of X to kick
    qna: str  # published beside the live poker: open for questions
    question: str  # a visible question of the Q&A, asked by another participant of X
    wall: str  # an open text of X
    wall_answer: str  # an answer on that wall, by part_x
    draft: str  # a draft session of the owner (can be rehearsed)
    rehearsing: str  # a session of the owner live as a rehearsal (can be ended)
    media: str  # a media of X that no config uses (can be deleted)
    series: str  # a series of the owner, with no sessions (can be deleted)
    series_co: str  # the co-organizer's own series (X may not join it: not its owner's)
    series_p: str  # a series of the owner holding P: its trends are readable by P's team
    paced: str  # an active self-paced session of the owner (participants start and track progress)
    paced_poll: str  # a published poll of it
    wanderer: str  # a participant of it in team blue (can be moved)
    owner_id: int = 0
    presenter_id: int = 0
    moderator_id: int = 0
    owner_key_id: str = ""  # the owner's API key's public id (its prefix)
    refresh: str = ""  # a refresh token of the owner
    tokens: dict[str, str] = field(default_factory=dict)  # role -> participant token
    # role -> participant token in the self-paced session (part_x and kicked there; part_y stays Y's)
    paced_tokens: dict[str, str] = field(default_factory=dict)
    jwts: dict[str, str] = field(default_factory=dict)  # role -> access token
    keys: dict[str, str] = field(default_factory=dict)  # role -> API key
    all_tokens: list[str] = field(default_factory=list)


def _user(username: str, **extra: Any) -> Any:
    user = get_user_model().objects.create(username=username, **{"is_staff": True, **extra})
    user.set_password(f"pw-{username}-123")
    user.save()
    return user


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass(frozen=True)
class Upload:
    """A row's multipart body: ``file`` is a tiny valid PNG or a one-page PDF, made fresh per request."""

    kind: str  # "png" or "pdf"

    def body(self) -> dict[str, Any]:
        data = _png() if self.kind == "png" else make_pdf(["Welcome"], size=(160, 90))
        f = io.BytesIO(data)
        f.name = f"upload.{self.kind}"
        return {"file": f}


def _join(session: Any, nickname: str) -> tuple[Participant, str]:
    return participant_services.participant_join(session=session, nickname=nickname)


@pytest.fixture
def world(settings: Any, tmp_path: Path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media-root"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A poll right after a write sees it (no storm damping, no version memo).
    settings.CAJA_SNAPSHOT_MIN_REBUILD_SECONDS = 0
    settings.CAJA_VERSION_MEMO_SECONDS = 0
    forget_local()
    owner, other, root = _user("alice"), _user("bob"), _user("root", is_superuser=True)
    eve = _user("eve", is_staff=False)
    x = session_services.session_create(owner=owner, name="Session X")
    session_services.session_set_status(session=x, status="active")
    y = session_services.session_create(owner=other, name="Session Y of Bob")
    session_services.session_set_status(session=y, status="active")

    def create(kind: str, order: int) -> Activity:
        return activity_services.activity_create(
            session=x, type=kind, config=dict(CONFIGS[kind]), title=kind, order=order
        )

    quiz, poker, poll, cloud = (
        create("quiz", 1),
        create("poker", 2),
        create("poll", 3),
        create("wordcloud", 4),
    )
    activity_services.activity_set_status(activity=quiz, status="active")
    activity_services.activity_set_status(activity=poker, status="active")  # expires the quiz
    activity_services.hidden_word_add(activity=cloud, text="secret")
    # A published Q&A stays open beside the live activity (contract v1.1).
    qna = create("qna", 5)
    activity_services.activity_set_status(activity=qna, status="published")
    part_x, token_x = _join(x, "Xavier")
    _, token_y = _join(y, "Yolanda")
    kicked, token_kicked = _join(x, "Kicked")
    victim, token_victim = _join(x, "Victim")
    activity_services.response_submit(participant=part_x, activity=poker, response_data={"value": "8"})
    question = qna_services.question_post(participant=victim, activity=qna, text="Who asked this?")
    participant_services.participant_kick(participant=kicked)
    wall = activity_services.activity_create(
        session=x, type="open_text", config={"prompt": "One wish?"}, title="wall", order=6
    )
    wall_answer = Response.objects.create(activity=wall, participant=part_x, response_data={"text": "Cake"})
    draft = session_services.session_create(owner=owner, name="Draft Z")
    rehearsing = session_services.session_create(owner=owner, name="Rehearsal R")
    session_services.session_rehearse(session=rehearsing)
    # A's team on X, the draft and the rehearsal; someone to add; an invitation to withdraw.
    team = {"co": _user("carol"), "presenter": _user("pete"), "moderator": _user("mona")}
    _user("dave")
    role_names = {"co": "co_organizer", "presenter": "presenter", "moderator": "moderator"}
    for session in (x, draft, rehearsing):
        for key, user in team.items():
            members.member_add(session=session, username=user.username, role=role_names[key], actor=owner)
    members.member_add(session=x, email="guest@example.com", role="presenter", actor=owner)
    owner_key, owner_raw = api_keys.api_key_create(user=owner, name="owner's script")
    media = media_services.media_upload(session=x, data=_png(), actor=owner)
    series = session_services.series_create(owner=owner, name="Town halls")
    series_co = session_services.series_create(owner=team["co"], name="Carol's retros")
    # Teams (auto: a join needs no team) so that a participant can be moved (issue 26).
    paced = session_services.session_create(
        owner=owner,
        name="Self-paced P",
        pace="self",
        teams=[
            {"id": "red", "name": "Red", "color": "#ff0000"},
            {"id": "blue", "name": "Blue", "color": "#0000ff"},
        ],
        team_assignment="auto",
    )
    for key, user in team.items():
        members.member_add(session=paced, username=user.username, role=role_names[key], actor=owner)
    paced_poll = activity_services.activity_create(
        session=paced, type="poll", config=dict(CONFIGS["poll"]), title="poll", order=1
    )
    activity_services.activity_set_status(activity=paced_poll, status="published")
    session_services.session_set_status(session=paced, status="active")
    series_p = session_services.series_create(owner=owner, name="Self-paced courses")
    session_services.session_set_series(session=paced, series=series_p, actor=owner)
    _, token_px = _join(paced, "Paced Xavier")  # red (auto: the first of the emptiest teams)
    wanderer, _ = _join(paced, "Wanderer")  # blue: to be moved to red
    kicked_p, token_kicked_p = _join(paced, "Paced Kicked")
    participant_services.participant_kick(participant=kicked_p)
    _, presenter_raw = api_keys.api_key_create(user=team["presenter"], name="presenter's clicker")
    return World(
        sid=str(x.pk),
        sid_y=str(y.pk),
        code=x.join_code,
        quiz=str(quiz.pk),
        poker=str(poker.pk),
        poll=str(poll.pk),
        cloud=str(cloud.pk),
        victim=str(victim.pk),
        qna=str(qna.pk),
        question=str(question.pk),
        wall=str(wall.pk),
        wall_answer=str(wall_answer.pk),
        draft=str(draft.pk),
        rehearsing=str(rehearsing.pk),
        media=str(media.pk),
        series=str(series.pk),
        series_co=str(series_co.pk),
        series_p=str(series_p.pk),
        paced=str(paced.pk),
        paced_poll=str(paced_poll.pk),
        wanderer=str(wanderer.pk),
        owner_id=owner.pk,
        presenter_id=team["presenter"].pk,
        moderator_id=team["moderator"].pk,
        tokens={"part_x": token_x, "part_y": token_y, "kicked": token_kicked},
        paced_tokens={"part_x": token_px, "part_y": token_y, "kicked": token_kicked_p},
        jwts={
            role: str(RefreshToken.for_user(user).access_token)
            for role, user in (
                ("owner", owner),
                ("other", other),
                ("super", root),
                ("nonstaff", eve),
                *team.items(),
            )
        },
        owner_key_id=owner_key.prefix,
        refresh=str(RefreshToken.for_user(owner)),
        keys={"key_owner": owner_raw, "key_presenter": presenter_raw},
        all_tokens=[token_x, token_y, token_kicked, token_victim, token_px, token_kicked_p],
    )


def _client(world: World, role: str, path: str = "") -> APIClient:
    client = APIClient()
    # A participant token is of one session: on the self-paced session's paths, its participants'.
    tokens = world.paced_tokens if world.paced in path else world.tokens
    if role in world.jwts:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {world.jwts[role]}")
    elif role in tokens:
        client.credentials(HTTP_X_PARTICIPANT_TOKEN=tokens[role])
    elif role in world.keys:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {world.keys[role]}")
    return client


S = "/api/v1/sessions/{sid}"
A = S + "/activities"
Q = A + "/{qna}/questions"
# (method, path template, body, success status, {role: expected}, public read?)
ROWS: list[tuple[str, str, Any, int, dict[str, Any], bool]] = [
    ("get", "/health", None, 200, PUBLIC, True),
    ("get", "/health/ready", None, 200, PUBLIC, True),
    ("get", "/api/schema", None, 200, PUBLIC, False),
    ("get", "/api/docs", None, 200, PUBLIC, False),
    ("get", "/api/redoc", None, 200, PUBLIC, False),
    # Off unless METRICS_ENABLED (then its own bearer token: core/tests): the same 404 for everyone.
    ("get", "/metrics", None, 404, dict.fromkeys(ROLES, 404), False),
    ("post", "/api/v1/auth/token", {"username": "alice", "password": "pw-alice-123"}, 200, PUBLIC, False),
    ("post", "/api/v1/auth/token/refresh", {"refresh": "{refresh}"}, 200, PUBLIC, False),
    # API keys (contract v1.2): every organizer manages their own; someone else's key is unknown (404).
    ("get", "/api/v1/auth/keys", None, 200, ORG_ANY, False),
    # ... but a key makes no keys (a leaked key must not mint replacements): 403.
    (
        "post",
        "/api/v1/auth/keys",
        {"name": "CI"},
        201,
        {**ORG_ANY, "key_owner": 403, "key_presenter": 403},
        False,
    ),
    (
        "delete",
        "/api/v1/auth/keys/{owner_key_id}",
        None,
        204,
        {**ORG_ANY, **dict.fromkeys(("co", "presenter", "moderator", "other", "super"), 404)},
        False,
    ),
    # sessions
    ("post", "/api/v1/sessions", {"name": "New"}, 201, ORG_ANY, False),
    ("get", "/api/v1/sessions", None, 200, ORG_ANY, False),
    ("get", S, None, 200, ORG, False),
    ("patch", S, {"name": "Renamed"}, 200, EDIT, False),
    ("put", S, {"name": "Renamed", "description": "d"}, 200, EDIT, False),
    ("patch", S, {"language": "de"}, 200, EDIT, False),
    ("patch", S, {"status": "completed"}, 200, LIFECYCLE, False),
    ("delete", S, None, 204, OWNERSHIP, False),
    ("post", S + "/next", None, 200, LIFECYCLE, False),
    ("get", S + "/qr.png", None, 200, PUBLIC, False),
    ("get", S + "/qr.svg", None, 200, PUBLIC, False),
    ("get", "/api/v1/join/{code}", None, 200, PUBLIC, True),
    ("get", S + "/results", None, 200, ORG, False),
    # activities
    ("post", A, {"type": "poll", "config": CONFIGS["poll"]}, 201, EDIT, False),
    ("get", A, None, 200, ORG, False),
    ("get", A + "/{poll}", None, 200, ORG, False),
    ("patch", A + "/{poll}", {"title": "Renamed"}, 200, EDIT, False),
    ("put", A + "/{poll}", {"title": "T", "config": CONFIGS["poll"]}, 200, EDIT, False),
    ("delete", A + "/{poll}", None, 204, EDIT, False),
    ("patch", "/api/v1/activities/{poll}/status", {"status": "published"}, 200, LIFECYCLE, False),
    ("post", A + "/{quiz}/reveal", None, 200, LIFECYCLE, False),
    ("post", A + "/{poker}/reset", None, 200, LIFECYCLE, False),
    ("get", A + "/{poker}/results", None, 200, ORG, False),
    ("post", A + "/{cloud}/hidden-words", {"text": "rude"}, 201, MODERATION, False),
    ("delete", A + "/{cloud}/hidden-words/secret", None, 204, MODERATION, False),
    # Q&A (contract v1.1)
    ("post", Q, {"text": "Is lunch included?"}, 201, PART, False),
    ("get", Q, None, 200, QNA_READ, True),
    # Filtering by status (the pending questions) is for the session's team: a member's "read".
    (
        "get",
        Q + "?status=pending",
        None,
        200,
        {
            **dict.fromkeys(ORG, 400),
            **{r: OK for r in ("owner", *TEAM, "super")},
            "part_y": 403,
            "kicked": 401,
        },
        False,
    ),
    ("put", Q + "/{question}/upvote", None, 200, PART, False),
    ("delete", Q + "/{question}/upvote", None, 200, PART, False),
    ("patch", Q + "/{question}", {"pinned": True}, 200, MODERATION, False),
    # participants
    ("post", S + "/participants", {"nickname": "Newcomer"}, 201, PUBLIC, False),
    ("post", "/api/v1/join", {"join_code": "{code}", "nickname": "Coder"}, 201, PUBLIC, False),
    ("get", S + "/participants", None, 200, ORG, False),
    ("delete", S + "/participants/{victim}", None, 204, MODERATION, False),
    ("get", "/api/v1/me", None, 200, ME, False),
    # responses
    ("post", A + "/{poker}/responses", {"response_data": {"value": "5"}}, 200, PART, False),
    ("get", A + "/{poker}/responses/mine", None, 200, PART, False),
    ("get", A + "/{poker}/responses", None, 200, ORG, False),
    ("get", A + "/{poker}/responses/since/2000-01-01T00:00:00Z", None, 200, ORG, False),
    # polling and the leaderboard
    ("get", S + "/state", None, 200, PUBLIC, True),
    ("get", S + "/status", None, 200, PUBLIC, True),
    ("get", A + "/{poker}/status", None, 200, PUBLIC, True),
    ("post", S + "/heartbeat", None, 204, PART, False),
    ("post", S + "/reactions", {"kind": "clap"}, 202, PART, False),
    # open text: the organizer hides an answer (contract v1.1)
    ("patch", A + "/{wall}/responses/{wall_answer}", {"hidden": True}, 200, MODERATION, False),
    # rehearsals
    ("post", "/api/v1/sessions/{draft}/rehearse", None, 200, LIFECYCLE, False),
    ("post", "/api/v1/sessions/{rehearsing}/end-rehearsal", None, 200, LIFECYCLE, False),
    ("get", S + "/leaderboard", None, 200, PUBLIC, True),
    # the team (contract v1.2)
    ("get", S + "/members", None, 200, ORG, False),
    ("post", S + "/members", {"username": "dave", "role": "moderator"}, 201, MEMBERS, False),
    ("post", S + "/members", {"email": "new@example.com", "role": "presenter"}, 201, MEMBERS, False),
    ("patch", S + "/members/{moderator_id}", {"role": "presenter"}, 200, MEMBERS, False),
    # A member may always leave: the presenter removing themselves.
    ("delete", S + "/members/{presenter_id}", None, 204, {**MEMBERS, "presenter": OK}, False),
    # The owner's membership is never changed this way: 400 for the owner (transfer instead),
    # 403 for everyone else.
    (
        "patch",
        S + "/members/{owner_id}",
        {"role": "moderator"},
        400,
        {**MEMBERS, "co": 403, "owner": 400, "super": 400},
        False,
    ),
    (
        "delete",
        S + "/members/{owner_id}",
        None,
        400,
        {**MEMBERS, "co": 403, "owner": 400, "super": 400},
        False,
    ),
    # Bad input from those who may manage the team: 400, nothing changed (the others: their 401/403/404).
    ("post", S + "/members", {"username": "dave", "role": "owner"}, 400, MEMBERS, False),
    ("post", S + "/members", {"username": "dave", "role": "admin"}, 400, MEMBERS, False),
    ("post", S + "/members", {"email": "not-an-email", "role": "presenter"}, 400, MEMBERS, False),
    ("post", S + "/members", {"username": "nobody", "role": "presenter"}, 400, MEMBERS, False),
    # Self-promotion to owner, and promoting anyone else to owner: refused (transfer instead).
    ("patch", S + "/members/{moderator_id}", {"role": "owner"}, 400, MEMBERS, False),
    ("delete", S + "/invitations/guest@example.com", None, 204, MEMBERS, False),
    ("post", S + "/transfer", {"username": "carol"}, 200, OWNERSHIP, False),
    # Only to a member: dave is an organizer but not on the team.
    ("post", S + "/transfer", {"username": "dave"}, 400, OWNERSHIP, False),
    ("get", S + "/audit", None, 200, MEMBERS, False),
    # media and decks (contract v1.2, issue 24): multipart bodies (Upload)
    ("post", S + "/media", Upload("png"), 201, EDIT, False),
    ("get", S + "/media", None, 200, ORG, False),
    ("delete", S + "/media/{media}", None, 204, EDIT, False),
    ("post", S + "/deck", Upload("pdf"), 201, EDIT, False),
    # Not multipart: 415 for those who may upload; everyone else gets their refusal first.
    ("post", S + "/media", {"file": "x"}, 415, EDIT, False),
    ("post", S + "/deck", {"file": "x"}, 415, EDIT, False),
    # back one activity: from the live poker to the (expired) quiz
    ("post", S + "/previous", None, 200, LIFECYCLE, False),
    # team move (issue 26): managing the room, as a kick (on the self-paced session: it has teams)
    ("patch", "/api/v1/sessions/{paced}/participants/{wanderer}", {"team_id": "red"}, 200, MODERATION, False),
    # series and trends (contract v1.2)
    ("post", "/api/v1/series", {"name": "Retros"}, 201, ORG_ANY, False),
    ("get", "/api/v1/series", None, 200, ORG_ANY, False),
    ("get", "/api/v1/series/{series}", None, 200, SERIES, False),
    ("patch", "/api/v1/series/{series}", {"name": "Renamed"}, 200, SERIES, False),
    ("delete", "/api/v1/series/{series}", None, 204, SERIES, False),
    ("get", "/api/v1/series/{series}/trends", None, 200, SERIES, False),
    # ... but a member of one of its sessions reads, read-only, the trends that session's results carry
    ("get", "/api/v1/series/{series_p}/trends", None, 200, ORG, False),
    # A session joins a series with the "edit" right, and only one of the session's owner's series:
    # the co-organizer's own is a 400 for everyone who may edit (sessions_app.roles.can_join_series).
    ("patch", S, {"series_id": "{series}"}, 200, EDIT, False),
    ("patch", S, {"series_id": "{series_co}"}, 400, EDIT, False),
    # self-paced sessions: a participant of the self-paced session starts an activity, reads progress
    ("post", "/api/v1/sessions/{paced}/activities/{paced_poll}/start", None, 200, PART, False),
    ("get", "/api/v1/sessions/{paced}/me/progress", None, 200, PART, False),
]

# What a successful write leaves in the audit log (contract v1.2: "The audit log records at least"),
# by (method, path template, the body's first key): the actions in order, each by the caller (a key's
# user for a key). Not here: writes that are not an organizer's action on a session (a participant's
# answer, question, upvote, presence or reaction; a sign-in; the caller's own API keys), and the
# session's deletion (its log goes with it). A refused request leaves nothing.
AUDITED: dict[tuple[str, str, str | None], list[str]] = {
    ("post", "/api/v1/sessions", "name"): ["session.create"],
    ("patch", S, "name"): ["session.update"],
    ("put", S, "name"): ["session.update"],
    ("patch", S, "language"): ["session.update"],
    ("patch", S, "series_id"): ["session.series"],
    ("patch", S, "status"): ["session.status"],
    ("post", S + "/next", None): ["session.next", "activity.status"],
    ("post", A, "type"): ["activity.create"],
    ("patch", A + "/{poll}", "title"): ["activity.update"],
    ("put", A + "/{poll}", "title"): ["activity.update"],
    ("delete", A + "/{poll}", None): ["activity.delete"],
    ("patch", "/api/v1/activities/{poll}/status", "status"): ["activity.status"],
    ("post", A + "/{quiz}/reveal", None): ["activity.reveal"],
    ("post", A + "/{poker}/reset", None): ["activity.reset"],
    ("post", A + "/{cloud}/hidden-words", "text"): ["hidden_word.add"],
    ("delete", A + "/{cloud}/hidden-words/secret", None): ["hidden_word.remove"],
    ("patch", Q + "/{question}", "pinned"): ["question.moderate"],
    ("delete", S + "/participants/{victim}", None): ["participant.kick"],
    ("patch", A + "/{wall}/responses/{wall_answer}", "hidden"): ["response.hide"],
    ("post", "/api/v1/sessions/{draft}/rehearse", None): ["session.rehearse"],
    ("post", "/api/v1/sessions/{rehearsing}/end-rehearsal", None): ["session.rehearsal_end"],
    ("post", S + "/members", "username"): ["member.add"],
    ("post", S + "/members", "email"): ["invitation.add"],
    ("patch", S + "/members/{moderator_id}", "role"): ["member.role"],
    ("delete", S + "/members/{presenter_id}", None): ["member.remove"],
    ("delete", S + "/invitations/guest@example.com", None): ["invitation.remove"],
    ("post", S + "/transfer", "username"): ["session.transfer"],
    ("post", S + "/media", None): ["media.upload"],
    ("delete", S + "/media/{media}", None): ["media.delete"],
    # one page: its media, its slide, then the import
    ("post", S + "/deck", None): ["media.upload", "activity.create", "deck.import"],
    ("post", S + "/previous", None): ["session.previous", "activity.status"],
    ("patch", "/api/v1/sessions/{paced}/participants/{wanderer}", "team_id"): ["participant.move"],
}
USERNAMES = {
    "owner": "alice",
    "co": "carol",
    "presenter": "pete",
    "moderator": "mona",
    "other": "bob",
    "super": "root",
    "nonstaff": "eve",
}

CASES = [pytest.param(row, role, id=f"{row[0].upper()} {row[1]} as {role}") for row in ROWS for role in ROLES]
ERROR_CODES = {
    400: "VALIDATION_ERROR",
    401: "NOT_AUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


def _fill(template: Any, world: World) -> Any:
    values = {
        k: getattr(world, k)
        for k in (
            "sid",
            "sid_y",
            "code",
            "quiz",
            "poker",
            "poll",
            "cloud",
            "victim",
            "qna",
            "question",
            "wall",
            "wall_answer",
            "draft",
            "rehearsing",
            "media",
            "series",
            "series_co",
            "series_p",
            "paced",
            "paced_poll",
            "wanderer",
            "owner_id",
            "presenter_id",
            "moderator_id",
            "owner_key_id",
            "refresh",
        )
    }
    if isinstance(template, str):
        return template.format(**values)
    if isinstance(template, dict):
        return {k: _fill(v, world) for k, v in template.items()}
    return template


@pytest.mark.parametrize(("row", "role"), CASES)
def test_permission_matrix(
    world: World, row: tuple[str, str, Any, int, dict[str, Any], bool], role: str
) -> None:
    method, template, body, success, expected_by_role, public_read = row
    expected = expected_by_role[role] if role in expected_by_role else expected_by_role[KEY_OF[role]]
    expected = success if expected == OK else expected
    path = _fill(template, world)
    client = _client(world, role, path)
    logged_before = AuditEntry.objects.aggregate(last=Max("id"))["last"] or 0
    if isinstance(body, Upload):
        response = getattr(client, method)(path, body.body(), format="multipart")
    elif body is not None:
        response = getattr(client, method)(path, _fill(body, world), format="json")
    else:
        response = getattr(client, method)(path)
    text = response.content.decode("utf-8", "replace") if not response.streaming else ""
    assert response.status_code == expected, (
        f"{method.upper()} {path} as {role}: {response.status_code} {text[:300]}"
    )
    if expected >= 400:
        error = response.json()["error"]
        assert error["code"] == ERROR_CODES[expected], error
    if public_read:
        _assert_no_secrets(text, world)
    # The caller as whom a key acts.
    who = KEY_OF.get(role, role)
    logged = list(AuditEntry.objects.filter(id__gt=logged_before).order_by("id"))
    if expected >= 400 or method == "get":
        assert logged == [], [entry.action for entry in logged]  # refused (or a read): nothing written
    else:
        key = (method, template, next(iter(body)) if isinstance(body, dict) else None)
        assert [entry.action for entry in logged] == AUDITED.get(key, []), key
        assert {entry.actor_username for entry in logged} <= {USERNAMES.get(who)}, logged
    if method == "get" and template == "/api/v1/sessions" and expected == 200:
        names = {item["name"] for item in response.json()["items"]}
        assert (
            names
            == {
                "owner": {"Session X", "Draft Z", "Rehearsal R", "Self-paced P"},
                **dict.fromkeys(TEAM, {"Session X", "Draft Z", "Rehearsal R", "Self-paced P"}),
                "other": {"Session Y of Bob"},
                "super": {"Session X", "Draft Z", "Rehearsal R", "Self-paced P", "Session Y of Bob"},
            }[who]
        )
    if template == S and method == "get" and expected == 200:
        my_role = {"owner": "owner", "co": "co_organizer", "presenter": "presenter", "moderator": "moderator"}
        assert response.json()["my_role"] == my_role.get(who), response.json()
    if template == "/api/v1/auth/keys" and method == "get" and expected == 200:
        # Each caller lists their own keys alone: the key's user's.
        listed = [item["name"] for item in response.json()["items"]]
        own = {"owner": ["owner's script"], "presenter": ["presenter's clicker"]}
        assert listed == own.get(who, []), listed
    if template == S and method == "get" and role == "other":
        assert "Session X" not in text  # the 404 does not reveal another organizer's session


# --- every endpoint has its row -----------------------------------------------------------------
# (route, method) pairs of api/v1 that the matrix leaves out on purpose, each with its reason.
# Empty: every endpoint has a row. A new endpoint fails the test below until it gets its row here
# above (or, with a reason, an entry in this list).
NOT_IN_MATRIX: frozenset[tuple[str, str]] = frozenset()
SERVED_METHODS = ("get", "post", "put", "patch", "delete")  # HEAD and OPTIONS: test_every_method


def _api_routes(resolver: URLResolver, prefix: str = "") -> dict[str, set[str]]:
    """Every URL pattern under api/v1 (as Django's resolver lists it) -> the methods its view serves."""
    out: dict[str, set[str]] = {}
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            for inner, methods in _api_routes(entry, route).items():
                out.setdefault(inner, set()).update(methods)
        elif isinstance(entry, URLPattern) and route.startswith("api/v1/"):
            view = getattr(entry.callback, "cls", None) or getattr(entry.callback, "view_class", None)
            assert view is not None, f"{route}: not a class-based view; extend the test"
            out.setdefault(route, set()).update(m for m in SERVED_METHODS if hasattr(view, m))
    return out


def test_every_api_endpoint_and_method_has_a_row(world: World) -> None:
    served = {(route, m) for route, methods in _api_routes(get_resolver()).items() for m in methods}
    assert len(served) > 60
    covered = set()
    for method, template, *_ in ROWS:
        path = _fill(template, world).split("?")[0]
        if path.startswith("/api/v1/"):
            covered.add((resolve(path).route, method))
    missing = served - covered - NOT_IN_MATRIX
    assert not missing, "endpoints without a row in ROWS: " + ", ".join(
        f"{m.upper()} {r}" for r, m in sorted(missing)
    )
    # Rows only for what is served, and no stale exclusions.
    assert covered <= served, covered - served
    assert not NOT_IN_MATRIX & covered, NOT_IN_MATRIX & covered
    assert NOT_IN_MATRIX <= served, NOT_IN_MATRIX - served


# --- the presenter and moderation pages by role ------------------------------------------------
# The pages sign in with the admin's session cookie (an API key or a JWT is for the API alone).

LIFECYCLE_BUTTONS = {
    "btn-start",
    "btn-rehearse",
    "btn-end-rehearsal",
    "btn-next",
    "btn-reveal",
    "btn-reset",
    "btn-complete",
}
PAGE_USERS = {
    "owner": "alice",
    "co": "carol",
    "presenter": "pete",
    "moderator": "mona",
    "other": "bob",
    "super": "root",
    "nonstaff": "eve",
}
# role -> (the control bar's buttons and links on /present/<id>, /present/<id>/moderate's status)
PAGES: dict[str, tuple[set[str], int]] = {
    "anon": (set(), 302),  # the moderation page sends to the admin's login
    "owner": (LIFECYCLE_BUTTONS | {"btn-moderate"}, 200),
    "co": (LIFECYCLE_BUTTONS | {"btn-moderate"}, 200),
    "presenter": (LIFECYCLE_BUTTONS | {"btn-moderate"}, 200),
    "moderator": ({"btn-moderate"}, 200),
    "other": (set(), 404),  # not on the team: the session does not exist for them, as in the API
    "super": (LIFECYCLE_BUTTONS | {"btn-moderate"}, 200),
    "nonstaff": (set(), 404),
}


@pytest.mark.parametrize("role", list(PAGES))
def test_presenter_page_controls_by_role(world: World, role: str) -> None:
    """The big screen is public; its control bar is the role's: a presenter drives (next, reveal, new
    round, rehearse) and gets no configuration (no admin link on the page), a moderator gets the
    moderation link alone; the moderation page is the moderation right's. The API refuses the rest
    (the matrix above)."""
    client = Client()
    if role in PAGE_USERS:
        client.force_login(get_user_model().objects.get(username=PAGE_USERS[role]))
    buttons, moderation_status = PAGES[role]
    response = client.get(f"/present/{world.sid}")
    assert response.status_code == 200
    html = response.content.decode()
    shown = {b for b in (*LIFECYCLE_BUTTONS, "btn-moderate") if f'id="{b}"' in html}
    assert shown == buttons, role
    assert ('id="controls"' in html) == bool(buttons)
    assert "/admin/" not in html  # no configuration on the big screen, whoever looks
    config = json.loads(html.split('id="caja-config" type="application/json">')[1].split("</script>")[0])
    assert config["can_control"] == bool(buttons & LIFECYCLE_BUTTONS)
    assert config["can_moderate"] == bool(buttons)
    assert bool(config["csrf_token"]) == bool(buttons)
    assert client.get(f"/present/{world.sid}/moderate").status_code == moderation_status


def test_an_api_key_of_a_deactivated_user_is_401_and_changes_nothing(world: World) -> None:
    """A co-organizer who leaves (deactivated, e.g. by single sign-on): their key stops working
    everywhere organizer credentials count, with 401 NOT_AUTHENTICATED, and nothing changes."""
    carol = get_user_model().objects.get(username="carol")
    _, raw = api_keys.api_key_create(user=carol, name="carol's script")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    s = f"/api/v1/sessions/{world.sid}"
    assert client.get(s).status_code == 200  # it works while carol is active
    get_user_model().objects.filter(pk=carol.pk).update(is_active=False)
    session = Session.objects.get(pk=world.sid)
    logged = AuditEntry.objects.count()
    member_count = SessionMember.objects.count()
    key_count = OrganizerApiKey.objects.count()
    session_count = Session.objects.count()
    attempts: list[tuple[str, str, Any]] = [
        ("get", s, None),
        ("patch", s, {"name": "Hijacked"}),
        ("patch", s, {"status": "completed"}),
        ("post", s + "/next", None),
        ("post", s + "/members", {"username": "dave", "role": "co_organizer"}),
        ("delete", s + f"/participants/{world.victim}", None),
        ("post", "/api/v1/auth/keys", {"name": "another"}),
        ("get", "/api/v1/auth/keys", None),
        ("post", "/api/v1/sessions", {"name": "New"}),
        # The public reads that recognize organizer credentials refuse a dead key too.
        ("get", s + "/leaderboard", None),
        ("get", s + f"/activities/{world.qna}/questions", None),
    ]
    for method, path, body in attempts:
        response = (
            getattr(client, method)(path, body, format="json") if body else getattr(client, method)(path)
        )
        assert response.status_code == 401, (method, path, response.content)
        assert response.json()["error"]["code"] == "NOT_AUTHENTICATED"
        assert response["WWW-Authenticate"]
    # The polls ignore organizer credentials: the big screen of a deactivated organizer still shows.
    assert client.get(s + "/state").status_code == 200
    after = Session.objects.get(pk=world.sid)
    assert (after.name, after.status, after.current_activity_id) == (
        session.name,
        session.status,
        session.current_activity_id,
    )
    assert AuditEntry.objects.count() == logged
    assert SessionMember.objects.count() == member_count
    assert OrganizerApiKey.objects.count() == key_count
    assert Participant.objects.get(pk=world.victim).kicked_at is None
    assert Session.objects.count() == session_count


def _assert_no_secrets(text: str, world: World) -> None:
    assert '"token"' not in text and "token_hash" not in text
    for token in world.all_tokens:
        assert token not in text
    assert "correct_option_id" not in text or '"revealed":true' in text.replace(" ", "")


# --- public reads never leak ----------------------------------------------------------------


def _public_bodies(sid: str, aid: str, code: str) -> list[str]:
    client = APIClient()
    paths = [
        f"/api/v1/sessions/{sid}/state",
        f"/api/v1/sessions/{sid}/status",
        f"/api/v1/sessions/{sid}/activities/{aid}/status",
        f"/api/v1/sessions/{sid}/leaderboard",
        f"/api/v1/join/{code}",
    ]
    bodies = []
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        bodies.append(response.content.decode())
    return bodies


def test_public_reads_hide_quiz_answer_until_revealed(world: World) -> None:
    owner = _client(world, "owner")
    quiz = owner.post(
        f"/api/v1/sessions/{world.sid}/activities",
        {"type": "quiz", "config": {**CONFIGS["quiz"], "correct_option_id": "c"}},
        format="json",
    ).json()
    assert (
        owner.patch(
            f"/api/v1/activities/{quiz['id']}/status", {"status": "active"}, format="json"
        ).status_code
        == 200
    )
    answer = _client(world, "part_x").post(
        f"/api/v1/sessions/{world.sid}/activities/{quiz['id']}/responses",
        {"response_data": {"option_id": "c"}},
        format="json",
    )
    assert answer.status_code == 201
    for body in _public_bodies(world.sid, quiz["id"], world.code):
        assert "correct_option_id" not in body
        assert '"correct"' not in body
        assert '"score"' not in body or '"items":[]' in body.replace(" ", "")
        _assert_no_secrets(body, world)
    # The participant's own answer does not reveal it either.
    mine = _client(world, "part_x").get(
        f"/api/v1/sessions/{world.sid}/activities/{quiz['id']}/responses/mine"
    )
    assert mine.status_code == 200
    assert "correct" not in json.dumps(mine.json()) and "score" not in mine.json()
    # After the reveal the answer is public.
    assert owner.post(f"/api/v1/sessions/{world.sid}/activities/{quiz['id']}/reveal").status_code == 200
    state = APIClient().get(f"/api/v1/sessions/{world.sid}/state").json()
    assert state["current_activity"]["config"]["correct_option_id"] == "c", state


def test_public_reads_hide_poker_votes_until_revealed(world: World) -> None:
    for body in _public_bodies(world.sid, world.poker, world.code):
        assert '"distribution"' not in body and '"average"' not in body
        assert '"value"' not in body
        _assert_no_secrets(body, world)
    state = json.loads(_public_bodies(world.sid, world.poker, world.code)[0])
    assert state["current_activity"]["results"] == {"type": "poker", "revealed": False, "vote_count": 1}
    owner = _client(world, "owner")
    assert owner.post(f"/api/v1/sessions/{world.sid}/activities/{world.poker}/reveal").status_code == 200
    state = APIClient().get(f"/api/v1/sessions/{world.sid}/state").json()
    assert state["current_activity"]["results"]["distribution"] == {"8": 1}


def test_public_reads_show_no_other_organizers_data(world: World) -> None:
    text = "".join(_public_bodies(world.sid, world.poker, world.code))
    assert "Session Y of Bob" not in text and "Yolanda" not in text and world.sid_y not in text
    assert "alice" not in text and "bob" not in text  # no organizer usernames
    # Organizer B cannot see X's objects through any id-taking endpoint.
    bob = _client(world, "other")
    for path in (
        f"/api/v1/sessions/{world.sid}/participants",
        f"/api/v1/sessions/{world.sid}/activities/{world.poker}/responses",
        f"/api/v1/sessions/{world.sid}/results",
    ):
        response = bob.get(path)
        assert response.status_code == 404
        assert "Xavier" not in response.content.decode()
    # A participant of Y cannot read or answer in X.
    y = _client(world, "part_y")
    assert y.get(f"/api/v1/sessions/{world.sid}/activities/{world.poker}/responses/mine").status_code == 403
    # The kicked participant's token is dead everywhere it is checked.
    kicked = _client(world, "kicked")
    assert kicked.get("/api/v1/me").status_code == 401
    assert Participant.objects.filter(nickname="Kicked", token_hash__isnull=True).exists()


def test_join_answer_shows_the_token_once(world: World) -> None:
    joined = APIClient().post(
        f"/api/v1/sessions/{world.sid}/participants", {"nickname": "Once"}, format="json"
    )
    token = joined.json()["token"]
    assert len(token) >= 32
    me = APIClient()
    me.credentials(HTTP_X_PARTICIPANT_TOKEN=token)
    assert "token" not in me.get("/api/v1/me").json()
    listing = _client(world, "owner").get(f"/api/v1/sessions/{world.sid}/participants").content.decode()
    assert token not in listing and "token" not in listing


def test_public_question_reads_hide_who_asked_anonymously_and_pending_questions(world: World) -> None:
    asker = _client(world, "part_x")
    base = f"/api/v1/sessions/{world.sid}/activities/{world.qna}/questions"
    assert asker.post(base, {"text": "Quietly asked", "anonymous": True}, format="json").status_code == 201
    Activity.objects.filter(pk=world.qna).update(
        config={**CONFIGS["qna"], "moderation": True}  # the next question waits for approval
    )
    assert asker.post(base, {"text": "Awaiting approval"}, format="json").status_code == 201
    public = APIClient().get(base).content.decode()
    state = APIClient().get(f"/api/v1/sessions/{world.sid}/state").content.decode()
    for body in (public, state):
        assert "Quietly asked" in body and "Xavier" not in body
        assert "Awaiting approval" not in body
        _assert_no_secrets(body, world)
    # Another participant of X does not see someone else's pending question; the owner does.
    token = APIClient().post(
        f"/api/v1/sessions/{world.sid}/participants", {"nickname": "Nosy"}, format="json"
    )
    neighbour = APIClient()
    neighbour.credentials(HTTP_X_PARTICIPANT_TOKEN=token.json()["token"])
    seen = [q["text"] for q in neighbour.get(base).json()["items"]]
    assert "Quietly asked" in seen and "Awaiting approval" not in seen
    assert "Awaiting approval" in [q["text"] for q in asker.get(base).json()["items"]]
    owner = _client(world, "owner").get(base, {"status": "pending"}).json()["items"]
    assert [q["text"] for q in owner] == ["Awaiting approval"]
    # Only the owner may filter by status.
    assert APIClient().get(base, {"status": "pending"}).status_code == 400
