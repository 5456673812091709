"""Exporting a session's results from the admin: the same stream as ``manage.py export_results``
(activities/export.py), as a download, for those with the ``exports`` right (sessions_app.roles,
through the Session admin's ``has_exports_permission``)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase

from activities import export
from core.errors import DomainError
from sessions_app.models import Session


class ExportActions(admin.ModelAdmin):
    """Mixin for the Session admin: the actions export_results_csv and export_results_json."""

    def _export(self, request: HttpRequest, queryset: QuerySet[Session], fmt: str) -> HttpResponseBase | None:
        sessions = list(queryset[:2])
        if len(sessions) != 1:
            self.message_user(request, "Select exactly one session to export.", messages.ERROR)
            return None
        session = sessions[0]
        if not self.has_exports_permission(request, session):  # type: ignore[attr-defined]
            self.message_user(
                request,
                f"{session}: {getattr(self, 'permission_denied_message', '')}",
                messages.ERROR,
            )
            return None
        try:
            chunks = export.iter_session_export(session, fmt, actor=request.user)
        except DomainError as exc:
            self.message_user(request, f"{session}: {exc.message}", messages.ERROR)
            return None
        response = StreamingHttpResponse(chunks, content_type=export.content_type_for(fmt))
        response["Content-Disposition"] = f'attachment; filename="{export.export_filename(session, fmt)}"'
        return response

    @admin.action(description="Export results as CSV (one session)", permissions=["exports"])
    def export_results_csv(
        self, request: HttpRequest, queryset: QuerySet[Session]
    ) -> HttpResponseBase | None:
        return self._export(request, queryset, "csv")

    @admin.action(description="Export results as JSON (one session)", permissions=["exports"])
    def export_results_json(
        self, request: HttpRequest, queryset: QuerySet[Session]
    ) -> HttpResponseBase | None:
        return self._export(request, queryset, "json")
