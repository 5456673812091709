"""A session's definition in the admin: "Export definition" (an action on one session: JSON, or a
zip with its pictures: activities/bundle.py) and "Import a session" (a page linked from the session
list: the same import as ``manage.py import_session``, all or nothing, owned by the caller)."""

from __future__ import annotations

import json
import tempfile
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy

from activities.bundle import bundle_read, bundle_write, has_media, is_bundle
from activities.definitions import session_definition, session_import
from core.errors import DomainError, ValidationFailed
from sessions_app.models import Session

# An export's zip holds at most a deck's worth of pictures and more: bounded like a deck upload.
IMPORT_MAX_BYTES = 200 * 1024 * 1024


class DefinitionImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Session export (.json or .zip)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.zip,application/json,application/zip"}),
    )


def import_url() -> str:
    return reverse("admin:sessions_app_session_import")


class DefinitionActions(admin.ModelAdmin):
    """Mixin for the Session admin: the export action and the import page."""

    @admin.action(
        description=gettext_lazy("Export definition (JSON, or a zip with its pictures; one session)"),
        permissions=["edit"],
    )
    def export_definitions(
        self, request: HttpRequest, queryset: QuerySet[Session]
    ) -> HttpResponse | FileResponse | None:
        sessions = list(queryset[:2])
        if len(sessions) != 1:
            self.message_user(request, gettext("Select exactly one session to export."), messages.ERROR)
            return None
        session = sessions[0]
        if not self.has_change_permission(request, session):
            raise PermissionDenied
        stem = slugify(session.name) or "session"
        if has_media(session):
            # Spooled to disk past a few megabytes (a deck's pictures), then streamed.
            spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
            bundle_write(session, spool)
            spool.seek(0)
            return FileResponse(
                spool, as_attachment=True, filename=f"{stem}.zip", content_type="application/zip"
            )
        text = json.dumps(session_definition(session), ensure_ascii=False, indent=2) + "\n"
        response = HttpResponse(text, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
        return response

    def definition_urls(self) -> list[Any]:
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="sessions_app_session_import",
            )
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = DefinitionImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                session = self._import(request, upload)
            except DomainError as exc:
                problems = "; ".join(
                    f"{field}: {' '.join(str(m) for m in msgs)}" if field else " ".join(str(m) for m in msgs)
                    for field, msgs in sorted((exc.details or {}).items())
                )
                form.add_error("file", f"{exc.message} {problems}".strip())
            else:
                self.message_user(
                    request,
                    gettext("Imported “%(name)s” as a new draft session.") % {"name": session.name},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:sessions_app_session_change", args=[session.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import a session"),
            "opts": self.opts,
            "form": form,
        }
        return TemplateResponse(request, "admin/sessions_app/session/import.html", context)

    def _import(self, request: HttpRequest, upload: Any) -> Session:
        if (upload.size or 0) > IMPORT_MAX_BYTES:
            raise ValidationFailed({}, gettext("The file is too large."))
        head = upload.read(8)
        upload.seek(0)
        files: dict[str, bytes] = {}
        if is_bundle(head):
            # Read from the uploaded (temporary) file: only the entries named are loaded.
            data, files = bundle_read(upload.file)
        else:
            try:
                data = json.loads(upload.read().decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                message = gettext("The file is neither a session export's JSON nor its zip.")
                raise ValidationFailed({}, message) from None
        return session_import(owner=cast(AbstractBaseUser, request.user), data=data, files=files)
