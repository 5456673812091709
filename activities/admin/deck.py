""" "Import a PDF deck" in the admin: a page of the session with a form (the PDF and where its
slides go). The server renders the pages while the request runs (docs/operations.md: about a
second per page at worst); meanwhile the page shows that it is rendering (deck_import.js of the
slide type unhides a progress line and disables the button). The slides then appear in the
session's activity list. The same service as ``POST /api/v1/sessions/{id}/deck``."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy, ngettext

from activities.models import Activity
from activities.services import deck as deck_services
from activities.staticfinders import URL_PREFIX
from core.errors import DomainError
from sessions_app.models import Session


class DeckImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("PDF file"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    after = forms.ChoiceField(label=gettext_lazy("Insert the slides"), required=False)

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        activities = Activity.objects.filter(session=session).order_by("order", "created_at")
        after = cast(forms.ChoiceField, self.fields["after"])
        after.choices = [("", gettext("At the end"))] + [
            (str(a.pk), gettext("After %(n)s. %(title)s") % {"n": a.order, "title": a}) for a in activities
        ]


def deck_url(session: Session) -> str:
    return reverse("admin:sessions_app_session_deck", args=[session.pk])


def deck_urls(model_admin: admin.ModelAdmin) -> list[Any]:
    def view(request: HttpRequest, object_id: str) -> HttpResponse:
        return deck_import_view(model_admin, request, object_id)

    return [
        path(
            "<path:object_id>/deck/",
            model_admin.admin_site.admin_view(view),
            name="sessions_app_session_deck",
        )
    ]


def deck_import_view(model_admin: admin.ModelAdmin, request: HttpRequest, object_id: str) -> HttpResponse:
    session = model_admin.get_object(request, object_id)
    if session is None or not model_admin.has_change_permission(request, session):
        raise PermissionDenied
    change_url = reverse("admin:sessions_app_session_change", args=[session.pk])
    form = DeckImportForm(request.POST or None, request.FILES or None, session=session)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            slides = deck_services.deck_import(
                session=session,
                source=upload.file,
                size=upload.size or 0,
                after=form.cleaned_data["after"] or None,
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            count = len(slides)
            model_admin.message_user(
                request,
                ngettext("Imported %(count)s page as a slide.", "Imported %(count)s pages as slides.", count)
                % {"count": count},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(change_url)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Import a PDF deck: %(name)s") % {"name": session.name},
        "opts": model_admin.opts,
        "original": session,
        "session": session,
        "form": form,
        "change_url": change_url,
        "script_url": static(f"{URL_PREFIX}/slide/deck_import.js"),
        "max_pages": settings.DECK_MAX_PAGES,
        "max_mb": settings.DECK_MAX_BYTES // (1024 * 1024),
    }
    return TemplateResponse(request, "admin/sessions_app/session/deck.html", context)
