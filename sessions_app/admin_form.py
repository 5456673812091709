"""The Session admin's form (admin.py): the model's fields plus the teams, edited as JSON and checked
by the same service rules as the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Session, SessionStatus, TeamAssignment

# A self-paced session's pace and times (contract v1.2), on the add and change pages.
SCHEDULE_FIELDS = ("pace", "opens_at", "closes_at")
TEAMS_HELP = _(
    'None, or 2 to 20 teams as JSON, e.g. [{"id": "red", "name": "Red", "color": "#d62828"}, '
    '{"id": "blue", "name": "Blue", "color": "#1d4ed8"}]. Changeable while the session is a draft.'
)


class SessionAdminForm(forms.ModelForm):
    """The model's fields plus the teams (contract v1.2), which the model keeps out of the admin's
    automatic form (editable=False): edited as JSON here, checked by the same service rules as the
    API (services.teams_clean), each error under its field."""

    teams = forms.JSONField(required=False, label=_("Teams"), help_text=TEAMS_HELP)
    team_assignment = forms.ChoiceField(
        choices=TeamAssignment.choices, required=False, label=_("Team assignment")
    )

    class Meta:
        model = Session
        fields = ["name", "description", "language"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teams"].widget.attrs.update({"rows": 4, "cols": 80})

    def clean_teams(self) -> Any:
        raw = self.cleaned_data.get("teams")
        try:
            return services.teams_clean(raw if raw is not None else [])
        except services.ValidationFailed as exc:
            raise forms.ValidationError(
                [
                    f"{key}: {msg}" if key != "teams" else msg
                    for key, msgs in exc.details.items()
                    for msg in msgs
                ]
            ) from None

    def clean(self) -> Any:
        data = super().clean() or {}
        instance = self.instance
        if instance.pk and instance.status != SessionStatus.DRAFT:
            for name in ("teams", "team_assignment"):
                value = data.get(name)
                current = getattr(instance, name)
                if name in data and value not in (None, "") and value != current:
                    self.add_error(name, str(services.TeamsLocked.default_message))
        return data
