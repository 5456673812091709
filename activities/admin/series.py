"""The Series admin (contract v1.2, "Series and trends"): an organizer's series, each tracked
question of a series drawn as a line chart on its page (activities.admin.charts: SVG from the
server), and the series as CSV (one row per point and summary key, from the stored summaries)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from activities import services, trends
from activities.export import csv_safe
from core.admin import CHANGE_FORM_TEMPLATE, ObjectActionsMixin, OwnedAdminMixin, adopt_created
from core.errors import DomainError
from sessions_app import services as session_services
from sessions_app.models import Series, Session

from .charts import line_chart

CSV_HEADER = [
    "track_key",
    "type",
    "title",
    "session_id",
    "session_name",
    "date",
    "responses",
    "too_few",
    "key",
    "label",
    "value",
]


def series_csv_rows(series: Series) -> list[list[Any]]:
    """The series' trends as CSV rows: a point's summary one key a row (a list's words joined by
    "; "), a point with too few answers one row with no value."""
    rows: list[list[Any]] = [CSV_HEADER]
    for item in trends.series_trends(series.pk)["items"]:
        labels = item.get("labels") or {}
        for point in item["points"]:
            head = [
                item["track_key"],
                item["type"],
                csv_safe(item["title"]),
                point["session_id"],
                csv_safe(point["session_name"]),
                point["date"],
                point["responses"],
                "yes" if point["too_few"] else "no",
            ]
            if point["summary"] is None:
                rows.append([*head, "", "", ""])
                continue
            # The labels' order (the latest session's), then any other key of this point.
            keys = [k for k in labels if k in point["summary"]]
            keys += [k for k in point["summary"] if k not in keys]
            for key in keys:
                value = point["summary"][key]
                shown = "; ".join(str(v) for v in value) if isinstance(value, list) else value
                rows.append([*head, key, csv_safe(labels.get(key, "")), csv_safe(shown)])
    return rows


@admin.register(Series)
class SeriesAdmin(ObjectActionsMixin, OwnedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "session_count", "owner", "created_at")
    list_display_links = ("name",)
    search_fields = ("name",)
    ordering = ("-created_at",)
    change_form_template = CHANGE_FORM_TEMPLATE
    fields = ("name",)
    readonly_fields = ("sessions_list", "charts")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Series]:
        return (
            super().get_queryset(request).select_related("owner").annotate(_session_count=Count("sessions"))
        )

    def get_list_display(self, request: HttpRequest) -> Any:
        display = list(super().get_list_display(request))
        if not request.user.is_superuser:
            display.remove("owner")
        return display

    def get_fieldsets(self, request: HttpRequest, obj: Series | None = None) -> Any:
        if obj is None:
            return [(None, {"fields": ("name",)})]
        return [
            (None, {"fields": ("name",)}),
            (gettext("Sessions"), {"fields": ("sessions_list",)}),
            (gettext("Tracked questions"), {"fields": ("charts",)}),
        ]

    @admin.display(description="Sessions", ordering="_session_count")
    def session_count(self, obj: Series) -> int:
        return getattr(obj, "_session_count", 0)

    @admin.display(description="Sessions of this series, oldest first")
    def sessions_list(self, obj: Series) -> SafeString | str:
        sessions = Session.objects.filter(series=obj).order_by("started_at", "created_at")
        if not sessions:
            return gettext("No session yet: choose this series on a session's page.")
        return format_html(
            '<ol class="caja-series-sessions">{}</ol>',
            format_html_join(
                "",
                '<li><a href="{}">{}</a> · {}</li>',
                (
                    (
                        reverse("admin:sessions_app_session_change", args=[s.pk]),
                        s.name,
                        s.get_status_display(),
                    )
                    for s in sessions
                ),
            ),
        )

    @admin.display(description="Trends (from the results stored when each tracked activity ended)")
    def charts(self, obj: Series) -> SafeString | str:
        services.summaries_refresh_stale(series_id=obj.pk)
        items = trends.series_trends(obj.pk)["items"]
        if not items:
            return gettext(
                "No tracked question has ended yet: give activities a track key, run the sessions."
            )
        return mark_safe("".join(line_chart(item) for item in items))  # noqa: S308 - built escaped

    def object_links(self, request: HttpRequest, obj: Any) -> list[dict[str, str]]:
        return [
            {"label": gettext("Export CSV"), "url": reverse("admin:sessions_app_series_csv", args=[obj.pk])}
        ]

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<path:object_id>/export.csv",
                self.admin_site.admin_view(self.csv_view),
                name="sessions_app_series_csv",
            )
        ] + super().get_urls()

    def csv_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        series = self.get_object(request, object_id)
        services.summaries_refresh_stale(series_id=series.pk)
        buffer = io.StringIO()
        csv.writer(buffer).writerows(series_csv_rows(series))
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="series-{series.pk}.csv"'
        return response

    # --- writes through the services --------------------------------------------------------
    def save_model(self, request: HttpRequest, obj: Series, form: Any, change: bool) -> None:
        if not change:
            adopt_created(
                obj, session_services.series_create(owner=request.user, name=form.cleaned_data["name"])
            )
            return
        session_services.series_update(series=obj, name=form.cleaned_data["name"])

    def delete_model(self, request: HttpRequest, obj: Series) -> None:
        self.delete_queryset(request, Series.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Series]) -> None:
        for series in queryset:
            try:
                session_services.series_delete(series=series, actor=request.user)
            except DomainError as exc:  # a live session: the series stays, the page says why
                self.message_user(request, f"{series}: {exc.message}", messages.ERROR)
