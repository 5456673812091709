"""The admin's activity forms: the model part (session, title, order) plus the fields of the
type's config form (activities/types/forms.py), built per type by :func:`activity_admin_form`."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from activities.images import images_carried_over, remap_media
from activities.models import Activity
from activities.selectors import media_list
from activities.services import EDITABLE_STATUSES
from activities.services.media import media_encode, media_store_encoded, media_too_large
from activities.services.summaries import track_key_clean, track_key_suggestion
from activities.types import all_types
from activities.types.form_pictures import PictureField, PicturesField, PicturesWidget, is_picture_field
from activities.types.forms import ConfigForm
from core.errors import ValidationFailed
from sessions_app import admin_roles
from sessions_app.models import Session

from .ordering import position_taken_message, taken_by


class ActivityAdminForm(forms.ModelForm):
    """Base of the per-type admin forms built by :func:`activity_admin_form`."""

    config_form_class: ClassVar[type[ConfigForm]]
    type_key: ClassVar[str]
    # Who uploads a picture through the form (the audit's actor): set per request by the admin.
    actor: ClassVar[Any] = None

    order = forms.IntegerField(
        required=False,
        min_value=0,
        label=_("Order"),
        help_text=_("Position in the session; blank puts it last."),
    )

    class Meta:
        model = Activity
        fields = ("session", "title", "order", "track_key")

    def _suggest_track_key(self) -> None:
        """The track key field suggests one from the activity's question (its title, slugified)."""
        field = self.fields.get("track_key")
        if field is None:
            return
        title = self.instance.title if not self.instance._state.adding else ""
        suggestion = track_key_suggestion(title or "")
        field.label = _("Track key")
        field.help_text = _(
            "Ties this question to the same one in the other sessions of its series (their trend). "
            "1 to 40 of a-z, 0-9, '-' and '_'; empty: not tracked."
        )
        if suggestion:
            field.widget.attrs["placeholder"] = suggestion
            field.help_text = format_lazy(
                "{} {}", field.help_text, _("Suggested: %(key)s") % {"key": suggestion}
            )

    def clean_track_key(self) -> str | None:
        try:
            return track_key_clean(self.cleaned_data.get("track_key"))
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.details["track_key"]) from None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The config form's checked uploads (stand-in media id -> re-encoded image), stored on save.
        self._staged_uploads: dict[str, Any] = {}
        self._suggest_track_key()
        self.config_names = list(self.config_form_class.base_fields)
        # A new activity has its id already (a UUID default), so "new" is _state.adding, not pk.
        adding = self.instance._state.adding
        self.config_editable = adding or self.instance.status in EDITABLE_STATUSES
        if not adding:  # a new one starts from the config form's own initial values
            for name, value in self.config_form_class.initial_from_config(self.instance.config).items():
                self.initial.setdefault(name, value)
        self._offer_media()
        if not self.config_editable:
            for name in self.config_names:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _(
                        "Read-only: the activity is no longer draft or published."
                    )

    # --- pictures (activities/types/form_pictures.py) ------------------------------------------
    def _session(self) -> Session | None:
        """The activity's session: its own, or for a new one the chosen session, but only among those
        the session field offers (the caller's, with the edit right: formfield_for_foreignkey), so a
        posted id of another team's session shows none of its media and stores nothing there."""
        if not self.instance._state.adding:
            return self.instance.session
        raw = self.data.get(self.add_prefix("session")) or self.initial.get("session")
        field = self.fields.get("session")
        if not raw or not isinstance(field, forms.ModelChoiceField) or field.queryset is None:
            return None
        try:
            return field.queryset.filter(pk=getattr(raw, "pk", raw)).first()
        except (ValueError, DjangoValidationError):
            return None

    def _media_choices(self) -> list[tuple[str, str]]:
        session = self._session()
        if session is None:
            return []
        # Each picture by its size, when it was uploaded and the start of its id (no words: nothing to
        # translate), e.g. "1200×800 · 2026-03-01 10:15 · 3f2a9c1e"; the newest last.
        return [
            (str(m.pk), f"{m.width}×{m.height} · {m.created_at:%Y-%m-%d %H:%M} · {str(m.pk)[:8]}")
            for m in media_list(session)
        ]

    def _offer_media(self) -> None:
        """The session's media in every picture field, and a row per line of the stored lists."""
        names = [n for n in self.config_names if n in self.fields and is_picture_field(self.fields[n])]
        if not names:
            return
        self._choices = self._media_choices()
        for name in names:
            field = self.fields[name]
            field.widget.choices = self._choices
            if isinstance(field, PicturesField):
                items = (
                    self.instance.config.get(field.pictures_of) if not self.instance._state.adding else None
                )
                cast(PicturesWidget, field.widget).rows = (
                    max(6, len(items) + 2) if isinstance(items, list) else 6
                )

    def _check_upload(self, upload: Any) -> Any:
        """An uploaded picture decoded and re-encoded (activities.services.media): refused files are
        a form error; nothing is stored before the form is accepted (store_staged_uploads)."""
        if upload.size is None or upload.size > settings.MEDIA_MAX_BYTES:
            raise media_too_large()
        return media_encode(upload.read())

    def store_staged_uploads(self) -> None:
        """Store the form's checked uploads as media of the activity's session and put their ids in
        the cleaned config. Called by the admin's save_model, inside the transaction of the admin's
        change view: the media rows and the activity commit together or not at all."""
        staged = self._staged_uploads
        config = self.cleaned_data.get("config")
        if not staged or config is None:
            return
        session = self._session()
        if session is None:  # the config form checks no upload without a session (_config_form)
            raise ValueError("no session")
        ids = {
            stand_in: str(media_store_encoded(session=session, encoded=encoded, actor=self.actor).pk)
            for stand_in, encoded in staged.items()
        }
        self.cleaned_data["config"] = remap_media(config, ids)
        self._staged_uploads = {}

    def _config_form(self) -> ConfigForm:
        config_form = self.config_form_class(data=self.data, files=self.files, prefix=self.prefix)
        for field in config_form.fields.values():
            if isinstance(field, PictureField | PicturesField):
                field.widget.choices = getattr(self, "_choices", [])
        if self._session() is not None:
            config_form.check_upload = self._check_upload
        return config_form

    def _absent_pictures(self, config_form: ConfigForm) -> tuple[bool, bool]:
        """(the config's picture, the lists' pictures): whether the post left their fields out (a
        script, a form of before pictures): then the stored pictures stay."""
        image, lists = True, True
        for name, field in config_form.fields.items():
            if not is_picture_field(field):
                continue
            omitted = field.widget.value_omitted_from_data(
                self.data, self.files, config_form.add_prefix(name)
            )
            if isinstance(field, PicturesField):
                lists = lists and omitted
            else:
                image = image and omitted
        return image, lists

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or self.cleaned_data
        self._check_position(cleaned)
        if not self.config_editable or any(name in self.errors for name in self.config_names):
            return cleaned
        config_form = self._config_form()
        if config_form.is_valid():
            cleaned["config"] = config_form.cleaned_data["config"]
            self._staged_uploads = config_form.staged_uploads
            if not self.instance._state.adding:
                # Pictures whose fields the post left out stay as stored (set through the API).
                image, lists = self._absent_pictures(config_form)
                cleaned["config"] = images_carried_over(
                    self.instance.config, cleaned["config"], config_image=image, lists=lists
                )
            self._check_heading(cleaned)
        else:
            for field, errors in config_form.errors.as_data().items():
                if field == NON_FIELD_ERRORS or field not in self.fields:
                    self.add_error(None, errors)
                elif field not in self.errors:
                    self.add_error(field, errors)
        return cleaned

    def _check_position(self, cleaned: dict[str, Any]) -> None:
        """An order another activity of the session has is refused (positions are unique)."""
        order = cleaned.get("order")
        if order is None or "order" in self.errors:
            return
        adding = self.instance._state.adding
        if not adding and "order" not in self.changed_data:
            return
        session = cleaned.get("session") if adding else self.instance.session
        if session is None:
            return
        other = taken_by(session.pk, order, exclude=None if adding else self.instance.pk)
        if other is not None:
            self.add_error("order", position_taken_message(order, other))

    def _check_heading(self, cleaned: dict[str, Any]) -> None:
        """A type whose heading field may be empty (poker's story) needs it or a title: an activity
        with neither would show as "poker #1" on the phones and the big screen."""
        field = self.config_form_class.title_or
        if not field or (cleaned.get("title") or "").strip():
            return
        if not str(cleaned["config"].get(field) or "").strip():
            self.add_error(field, str(self.config_form_class.title_or_message))


_FORM_CACHE: dict[type[ConfigForm], type[ActivityAdminForm]] = {}


def activity_admin_form(config_form: type[ConfigForm]) -> type[ActivityAdminForm]:
    """The admin form for one type: ``ActivityAdminForm`` + copies of the config form's fields."""
    if config_form not in _FORM_CACHE:
        attrs: dict[str, Any] = {name: field for name, field in config_form.base_fields.items()}
        attrs.update(config_form_class=config_form, type_key=config_form.type_key, __module__=__name__)
        _FORM_CACHE[config_form] = type(f"Activity{config_form.__name__}", (ActivityAdminForm,), attrs)
    return _FORM_CACHE[config_form]


class ChooseTypeForm(forms.Form):
    session = forms.ModelChoiceField(queryset=Session.objects.none())
    type = forms.ChoiceField(choices=())

    def __init__(self, *args: Any, sessions: QuerySet[Session], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["session"]).queryset = sessions
        cast(forms.ChoiceField, self.fields["type"]).choices = [
            (key, t.label) for key, t in sorted(all_types().items())
        ]


def sessions_for(request: HttpRequest) -> QuerySet[Session]:
    """The sessions an activity may be added to: those the caller may edit (sessions_app.roles)."""
    return admin_roles.sessions_for(request, "edit")
