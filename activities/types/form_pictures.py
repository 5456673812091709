"""Pictures in the admin's type forms: the config's ``image`` and the options', items' and statements'
(contract v1.2 image references ``{"media_id", "alt"}``).

One picture is three inputs: a media of the session to pick, a file to upload instead, and its alt
text, required as soon as a picture is set (a form error names it, nothing is stored). A list's
pictures are one such row per line of its textarea ("Line 2"), so a picture goes with the option on
that line. The forms know no session: the admin gives each picture field the session's media
(``media_choices``) and the config form a way to check an upload (``ConfigForm.check_upload``):
each checked upload gets a stand-in media id while the type validates the config, and the admin stores
them with the activity, in one transaction, once the form is accepted (a refused form stores nothing).

A picture field absent from the posted data (a form built before pictures, a script) is not a
removal: the admin keeps the stored pictures then (activities.images.images_carried_over).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .form_keys import config_key

ALT_MAX = 300
MAX_ROWS = 20  # the most options a list of a type takes (activities.types.fields)
ACCEPT = "image/png,image/jpeg,image/webp,image/gif"


def _parts(name: str) -> tuple[str, str, str]:
    return f"{name}_media", f"{name}_upload", f"{name}_alt"


def _read(data: Mapping[str, Any], files: Mapping[str, Any], name: str) -> dict[str, Any] | None:
    """One picture's posted inputs, or None when none of them was posted."""
    media, upload, alt = _parts(name)
    if media not in data and alt not in data and upload not in files:
        return None
    return {"media_id": data.get(media, ""), "upload": files.get(upload), "alt": data.get(alt, "")}


def _render_one(name: str, value: Any, choices: list[tuple[str, str]], row_label: str = "") -> SafeString:
    media, upload, alt = _parts(name)
    value = value if isinstance(value, dict) else {}
    chosen = str(value.get("media_id") or "")
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((pk, mark_safe(" selected") if pk == chosen else "", label) for pk, label in choices),
    )
    # Each input has its own label (axe: every control is named); a row of a list says its line.
    prefix = f"{row_label}: " if row_label else ""
    return format_html(
        '<div class="caja-picture" style="display:flex;flex-wrap:wrap;gap:.5em 1em;align-items:center">'
        '<label for="id_{media}">{l_pick}</label>'
        '<select name="{media}" id="id_{media}"><option value="">{none}</option>{options}</select>'
        '<label for="id_{upload}">{l_upload}</label>'
        '<input type="file" name="{upload}" id="id_{upload}" accept="{accept}">'
        '<label for="id_{alt}">{l_alt}</label>'
        '<input type="text" name="{alt}" id="id_{alt}" value="{alt_value}" maxlength="{alt_max}" size="40">'
        "</div>",
        media=media,
        upload=upload,
        alt=alt,
        # Translators: in the admin, the picker of a picture among the session's images.
        l_pick=prefix + gettext("Picture of this session"),
        none=gettext("(none)"),
        options=options,
        # Translators: in the admin, beside the file input that uploads a new picture.
        l_upload=gettext("or upload one"),
        accept=ACCEPT,
        # Translators: in the admin, the text input describing a picture for screen readers.
        l_alt=gettext("Alt text"),
        alt_value=value.get("alt") or "",
        alt_max=ALT_MAX,
    )


class PictureWidget(forms.Widget):
    """One picture: the session's media to pick from, a file input, the alt text."""

    needs_multipart_form = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices: list[tuple[str, str]] = []

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return _read(data, files, name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return _read(data, files, name) is None

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_media" if id_ else id_

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        return _render_one(name, value, self.choices)


class PicturesWidget(PictureWidget):
    """A list's pictures: one row per line of the list's textarea (``rows`` of them)."""

    def __init__(self, attrs: dict[str, Any] | None = None, rows: int = 6) -> None:
        super().__init__(attrs)
        self.rows = rows

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        rows = [_read(data, files, f"{name}_{i}") for i in range(MAX_ROWS)]
        return None if all(r is None for r in rows) else rows

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return self.value_from_datadict(data, files, name) is None

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0_media" if id_ else id_

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        if isinstance(value, dict):  # the initial value: line index -> reference
            value = [value.get(i) for i in range(MAX_ROWS)]
        value = list(value or [])
        used = max(
            (i + 1 for i, v in enumerate(value) if isinstance(v, dict) and v.get("media_id")), default=0
        )
        rows = min(MAX_ROWS, max(self.rows, used))
        # One block of rows, one under the other (the admin lays a field's parts out side by side).
        rows_html = format_html_join(
            "",
            "{}",
            (
                (
                    _render_one(
                        f"{name}_{i}",
                        value[i] if i < len(value) else None,
                        self.choices,
                        # Translators: a row of the admin's pictures of a list, e.g. "Line 2".
                        gettext("Line %(n)s") % {"n": i + 1},
                    ),
                )
                for i in range(rows)
            ),
        )
        return format_html(
            '<div class="caja-pictures" style="display:flex;flex-direction:column;gap:.75em">{}</div>',
            rows_html,
        )


def _clean_one(value: dict[str, Any] | None, choices: list[tuple[str, str]]) -> dict[str, Any] | None:
    """A reference ({"media_id", "alt"}), an upload ({"upload", "alt"}), or None: no picture."""
    if not value:
        return None
    media = str(value.get("media_id") or "").strip()
    upload = value.get("upload")
    alt = " ".join(str(value.get("alt") or "").split())
    if not media and not isinstance(upload, UploadedFile):
        return None
    if not alt:
        raise forms.ValidationError(
            gettext("Describe the picture in its alt text: it is required when a picture is set.")
        )
    if len(alt) > ALT_MAX:
        raise forms.ValidationError(
            gettext("The alt text is too long: at most %(n)s characters.") % {"n": ALT_MAX}
        )
    if isinstance(upload, UploadedFile):
        return {"upload": upload, "alt": alt}
    if media not in {pk for pk, _label in choices}:
        raise forms.ValidationError(gettext("Choose a picture of this session."))
    return {"media_id": media, "alt": alt}


class PictureField(forms.Field):
    """The config's picture: None (no picture), a reference, or an upload to store."""

    widget = PictureWidget

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        return _clean_one(value, self.widget.choices)


class PicturesField(forms.Field):
    """A list's pictures by line: ``{line index: reference or upload}`` (``pictures_of`` names the
    config key of the list: options, items, statements)."""

    widget = PicturesWidget

    def __init__(self, pictures_of: str, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.pictures_of = pictures_of

    def clean(self, value: Any) -> Any:
        if value is None:
            return None
        out: dict[int, dict[str, Any]] = {}
        errors: list[str] = []
        for i, row in enumerate(value):
            try:
                ref = _clean_one(row, self.widget.choices)
            except forms.ValidationError as exc:
                errors.extend(f"{gettext('Line %(n)s') % {'n': i + 1}}: {m}" for m in exc.messages)
                continue
            if ref is not None:
                out[i] = ref
        if errors:
            raise forms.ValidationError(errors)
        return out


def config_image_field() -> PictureField:
    """The config's ``image`` (contract v1.2: every type, a picture with the question)."""
    field = PictureField(
        label=_("Picture"),
        help_text=_(
            "Optional: shown with the question on the big screen and the phones. "
            "The alt text says what it shows, for people who cannot see it."
        ),
    )
    return config_key(field, "image", omit_blank=True)


def pictures_field(pictures_of: str, label: Any) -> PicturesField:
    """Pictures of a list's lines (options, items, statements)."""
    return PicturesField(
        pictures_of,
        label=label,
        help_text=_("Optional: a picture for each line, with its alt text."),
    )


def pictures_initial(config: Mapping[str, Any], key: str) -> dict[int, dict[str, Any]]:
    """The stored pictures of a list, by line."""
    items = config.get(key)
    if not isinstance(items, list):
        return {}
    return {
        i: o["image"] for i, o in enumerate(items) if isinstance(o, dict) and isinstance(o.get("image"), dict)
    }


def is_picture_field(field: forms.Field) -> bool:
    return isinstance(field, PictureField | PicturesField)


def uploads_of(value: Any) -> list[dict[str, Any]]:
    """The uploads in a picture field's cleaned value (to store before validating)."""
    if isinstance(value, dict) and "upload" in value:
        return [value]
    if isinstance(value, dict):
        return [v for v in value.values() if isinstance(v, dict) and "upload" in v]
    return []
