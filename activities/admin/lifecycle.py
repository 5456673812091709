"""The activity lifecycle actions (publish, activate, reveal, reset, expire), generated from one
table; shared by the activity changelist and the buttons of the activity change page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from activities import services
from activities.models import Activity, ActivityStatus
from core.admin import service_action


class LifecycleAction(NamedTuple):
    name: str  # the action's name (changelist and ObjectActionsMixin)
    button: str  # the change page's button label
    description: str  # the changelist's action label
    service: Callable[[Activity, Any], Any]  # (activity, actor)
    done: str  # success message, with {count}


LIFECYCLE_ACTIONS = [
    LifecycleAction(
        "publish_activities",
        "Publish",
        "Publish selected activities",
        lambda a, actor: services.activity_set_status(
            activity=a, status=ActivityStatus.PUBLISHED, actor=actor
        ),
        "Published {count} activity(ies).",
    ),
    LifecycleAction(
        "activate_activities",
        "Activate",
        "Activate selected activity (make it live)",
        lambda a, actor: services.activity_set_status(activity=a, status=ActivityStatus.ACTIVE, actor=actor),
        "Activated {count} activity(ies).",
    ),
    LifecycleAction(
        "reveal_activities",
        "Reveal",
        "Reveal results of selected activities",
        lambda a, actor: services.activity_reveal(activity=a, actor=actor),
        "Revealed {count} activity(ies).",
    ),
    LifecycleAction(
        "reset_activities",
        "New round",
        "Reset the round of selected activities (poker)",
        lambda a, actor: services.activity_reset(activity=a, actor=actor),
        "Started a new round in {count} activity(ies).",
    ),
    LifecycleAction(
        "expire_activities",
        "End",
        "End selected activities (close answers)",
        lambda a, actor: services.activity_set_status(activity=a, status=ActivityStatus.EXPIRED, actor=actor),
        "Ended {count} activity(ies).",
    ),
]


class ActivityLifecycleActions:
    """Mixin with one admin action per row of LIFECYCLE_ACTIONS (set below); the admin lists
    ACTION_NAMES in ``actions`` and BUTTONS in ``object_actions``."""


ACTION_NAMES = [a.name for a in LIFECYCLE_ACTIONS]
BUTTONS = [(a.name, a.button) for a in LIFECYCLE_ACTIONS]


for _action in LIFECYCLE_ACTIONS:
    setattr(
        ActivityLifecycleActions,
        _action.name,
        service_action(
            description=_action.description,
            service=_action.service,
            done=_action.done,
            permissions=["lifecycle"],  # sessions_app.roles: owner, co_organizer, presenter
        ),
    )
