"""Session definitions as JSON: a session's name, description and activities, nothing live.

Used by ``manage.py export_session`` / ``import_session`` to copy an event's plan between
installations or keep it as a template. No participants, responses, statuses or join codes.

It lives in the activities layer (not sessions_app) because it validates activities through the
type registry and creates them through ``activities.services``; imports flow one way.

Format (version 1)::

    {"format": "caja.session", "version": 1, "exported_at": "...",
     "source": {"session_id": "...", "owner": "alice"},          # informative, ignored on import
     "session": {"name": "...", "description": "...",
                 "teams": [{"id": "red", "name": "Red", "color": "#d62828"}], "team_assignment": "auto",
                 "activities": [{"order": 1, "type": "poll", "title": "...", "config": {...},
                                 "track_key": "confidence"}]}}

``track_key`` (contract v1.2) is written only for a tracked activity and optional on import.
``teams`` and ``team_assignment`` (contract v1.2, "Quiz: a fair start, and teams") are written only
when the session has teams or assigns them automatically, and are optional on import (none, and
``choose``); they are checked by the same rules as the API's (sessions_app.teams.teams_clean).

A session with pictures exports as a zip (activities/bundle.py): this definition plus a top-level
``"media": [{"id", "file"}]`` list and the files; the configs' ``media_id`` are the ids of that list,
rewritten to the new media's on import. Without pictures, the plain JSON above, as before.

An import is all or nothing: the whole file is validated first (every activity's config through
``get_type(type).validate_config``) and every problem is reported with its path, e.g.
``session.activities.2.config.options``; then everything is created in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from core.errors import DomainError, ValidationFailed
from sessions_app.models import DESCRIPTION_MAX, NAME_MAX, Session, TeamAssignment
from sessions_app.services import session_create, teams_clean, teams_values

from .images import files_delete_unreferenced, image_refs, remap_media
from .models import TITLE_MAX, Activity
from .services import activity_create
from .services.media import StoredFile, media_encode_imported, media_file_store, media_row_create
from .services.summaries import track_key_clean
from .types import get_type
from .types.fields import IMAGE_KEY

DEFINITION_FORMAT = "caja.session"
DEFINITION_VERSION = 1
MAX_ACTIVITIES = 500

_TOP_KEYS = {"format", "version", "exported_at", "source", "session", "media"}
_SESSION_KEYS = {"name", "description", "teams", "team_assignment", "activities"}
_ACTIVITY_KEYS = {"order", "type", "title", "config", "track_key"}


def session_definition(session: Session) -> dict[str, Any]:
    """The definition of ``session`` (a JSON-ready dict)."""
    activities = Activity.objects.filter(session=session).order_by("order", "created_at", "id")
    return {
        "format": DEFINITION_FORMAT,
        "version": DEFINITION_VERSION,
        "exported_at": timezone.now().isoformat().replace("+00:00", "Z"),
        "source": {"session_id": str(session.pk), "owner": session.owner.get_username()},
        "session": {
            "name": session.name,
            "description": session.description,
            **_teams_definition(session),
            "activities": [_activity_definition(a) for a in activities],
        },
    }


def _teams_definition(session: Session) -> dict[str, Any]:
    # Nothing for a session without teams that lets participants choose: its file stays as before.
    if not session.teams and session.team_assignment == TeamAssignment.CHOOSE:
        return {}
    return {"teams": session.teams, "team_assignment": session.team_assignment}


def _activity_definition(activity: Activity) -> dict[str, Any]:
    item = {
        "order": activity.order,
        "type": activity.type,
        "title": activity.title,
        "config": activity.config,
    }
    if activity.track_key:
        item["track_key"] = activity.track_key
    return item


def _unknown(obj: dict[str, Any], allowed: set[str], path: str, errors: dict[str, list[str]]) -> None:
    for key in sorted(set(obj) - allowed):
        errors.setdefault(f"{path}.{key}" if path else key, []).append("Unknown field.")


def validate_definition(data: Any) -> dict[str, Any]:
    """Check a whole definition and return the cleaned session dict, or raise ValidationFailed
    whose details map every problem's path to its messages."""
    errors: dict[str, list[str]] = {}
    if not isinstance(data, dict):
        raise ValidationFailed({"": ["The file must hold a JSON object."]}, "Invalid session definition.")
    _unknown(data, _TOP_KEYS, "", errors)
    if data.get("format") != DEFINITION_FORMAT:
        errors["format"] = [f"Must be {DEFINITION_FORMAT!r}."]
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        errors["version"] = ["Must be an integer."]
    elif version != DEFINITION_VERSION:
        errors["version"] = [f"Unsupported version {version}; this Caja reads version {DEFINITION_VERSION}."]
    session = data.get("session")
    if not isinstance(session, dict):
        errors["session"] = ["Must be a JSON object."]
        raise ValidationFailed(errors, "Invalid session definition.")
    _unknown(session, _SESSION_KEYS, "session", errors)
    name, description = session.get("name"), session.get("description", "")
    if not isinstance(name, str) or not name.strip():
        errors["session.name"] = ["A non-empty string is required."]
    elif len(name.strip()) > NAME_MAX:
        errors["session.name"] = [f"At most {NAME_MAX} characters."]
    if description is not None and not isinstance(description, str):
        errors["session.description"] = ["Must be a string or null."]
    elif description is not None and len(description.strip()) > DESCRIPTION_MAX:
        errors["session.description"] = [f"At most {DESCRIPTION_MAX} characters."]
    teams, team_assignment = _clean_teams(session, errors)
    raw_activities = session.get("activities", [])
    cleaned: list[dict[str, Any]] = []
    if not isinstance(raw_activities, list):
        errors["session.activities"] = ["Must be a list."]
        raw_activities = []
    elif len(raw_activities) > MAX_ACTIVITIES:
        errors["session.activities"] = [f"At most {MAX_ACTIVITIES} activities."]
        raw_activities = []
    for index, item in enumerate(raw_activities):
        path = f"session.activities.{index}"
        if not isinstance(item, dict):
            errors[path] = ["Must be a JSON object."]
            continue
        _unknown(item, _ACTIVITY_KEYS, path, errors)
        order = item.get("order", index + 1)
        if not isinstance(order, int) or isinstance(order, bool) or order < 0:
            errors[f"{path}.order"] = ["Must be a non-negative integer."]
        title = item.get("title", "")
        if not isinstance(title, str):
            errors[f"{path}.title"] = ["Must be a string."]
        elif len(title.strip()) > TITLE_MAX:
            errors[f"{path}.title"] = [f"At most {TITLE_MAX} characters."]
        track_key = None
        try:
            track_key = track_key_clean(item.get("track_key"))
        except ValidationFailed as exc:
            errors[f"{path}.track_key"] = list(exc.details["track_key"])
        type_key = item.get("type")
        try:
            if not isinstance(type_key, str):
                raise ValidationFailed({"type": ["A string is required."]})
            activity_type = get_type(type_key)
            config = activity_type.validate_config(item.get("config", activity_type.default_config()))
        except DomainError as exc:
            # The type modules report paths starting at "config" (or "type"): prefix the index.
            for field, messages in (exc.details or {"config": [exc.message]}).items():
                errors.setdefault(f"{path}.{field}", []).extend(
                    messages if isinstance(messages, list) else [str(messages)]
                )
            continue
        cleaned.append(
            {"order": order, "type": type_key, "title": title, "config": config, "track_key": track_key}
        )
    media = _clean_media(data.get("media", []), cleaned, errors)
    if errors:
        raise ValidationFailed(errors, "Invalid session definition.")
    return {
        "name": name,
        "description": description,
        "teams": teams,
        "team_assignment": team_assignment,
        "activities": cleaned,
        "media": media,
    }


def _clean_teams(session: dict[str, Any], errors: dict[str, list[str]]) -> tuple[list[dict[str, str]], str]:
    """The session's teams and team mode, by the API's rules; each problem under ``session.``."""
    teams: list[dict[str, str]] = []
    raw = session.get("teams")
    try:
        teams = teams_clean(raw if raw is not None else [])
    except ValidationFailed as exc:
        for field, messages in exc.details.items():
            errors[f"session.{field}"] = list(messages)
    assignment = session.get("team_assignment", TeamAssignment.CHOOSE)
    try:
        teams_values(team_assignment=assignment)  # the API's check of the mode, and its message
    except ValidationFailed as exc:
        for field, messages in exc.details.items():
            errors[f"session.{field}"] = list(messages)
    return teams, assignment


def _clean_media(
    listed: Any, activities: list[dict[str, Any]], errors: dict[str, list[str]]
) -> list[dict[str, str]]:
    """The "media" list (``[{"id", "file"}]``, ids unique), and every picture of a config naming
    one of its ids."""
    media: list[dict[str, str]] = []
    if not isinstance(listed, list):
        errors["media"] = ["Must be a list."]
        listed = []
    for index, item in enumerate(listed):
        if not isinstance(item, dict) or set(item) != {"id", "file"}:
            errors[f"media.{index}"] = ['Must be {"id", "file"}.']
        elif not all(isinstance(item[k], str) and item[k] for k in ("id", "file")):
            errors[f"media.{index}"] = ["id and file must be non-empty strings."]
        else:
            media.append({"id": item["id"], "file": item["file"]})
    ids = {m["id"] for m in media}
    if len(ids) != len(media):
        errors.setdefault("media", []).append("Each id may appear once.")
    for index, item in enumerate(activities):
        for path, ref in image_refs(item["config"]):
            if str(ref[IMAGE_KEY]) not in ids:
                errors.setdefault(f"session.activities.{index}.{path}.{IMAGE_KEY}", []).append(
                    "Not a picture of this export (its media list)."
                )
    return media


def session_import(
    *, owner: AbstractBaseUser, data: Any, files: Mapping[str, bytes] | None = None
) -> Session:
    """Create a draft session from a definition, with the pictures ``files`` (zip entry -> bytes:
    activities.bundle) its "media" list names. All or nothing: a bad file or picture creates
    nothing (the picture files this import wrote are deleted again)."""
    clean = validate_definition(data)
    files = files or {}
    stored: list[tuple[str, StoredFile]] = []
    try:
        for index, item in enumerate(clean["media"]):
            data_of = files.get(item["file"])
            if data_of is None:
                raise ValidationFailed(
                    {f"media.{index}.file": ["The export has no such file."]}, "Invalid session definition."
                )
            try:
                encoded = media_encode_imported(data_of)
            except DomainError as exc:
                raise ValidationFailed({f"media.{index}.file": [exc.message]}, exc.message) from None
            stored.append((item["id"], media_file_store(encoded)))
        with transaction.atomic():
            session = session_create(
                owner=owner,
                name=clean["name"],
                description=clean["description"],
                teams=clean["teams"],
                team_assignment=clean["team_assignment"],
            )
            mapping = {
                old_id: str(media_row_create(session=session, stored=file).pk) for old_id, file in stored
            }
            for item in clean["activities"]:
                activity_create(
                    session=session,
                    type=item["type"],
                    config=remap_media(item["config"], mapping),
                    title=item["title"],
                    order=item["order"],
                    track_key=item["track_key"],
                )
    except BaseException:
        files_delete_unreferenced([file.name for _, file in stored if file.created])
        raise
    return session
