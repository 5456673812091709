"""The Q&A's moderation page in the admin: an activity's questions (who asked, even anonymously,
for the organizer only), filtered by status, each with approve / hide / mark answered / pin /
unpin buttons. Every button is a POST calling ``question_moderate`` (the API's path); the page is
offered for types with ``has_questions``, not by type name. Any member of the session's team sees
it; the buttons need the ``moderation`` right (sessions_app.roles, through the admin's
``has_moderation_permission``): a POST without it is a 403, nothing changed."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from activities.models import Activity, Question, QuestionStatus
from activities.types import get_type
from activities.types.qna import selectors as qna_selectors
from activities.types.qna.services import question_moderate
from core.errors import DomainError

# op -> (question_moderate's arguments, success message)
OPS: dict[str, tuple[dict[str, Any], str]] = {
    "approve": ({"status": QuestionStatus.VISIBLE}, "The question is visible to the audience."),
    "hide": ({"status": QuestionStatus.HIDDEN}, "The question is hidden from the audience."),
    "answered": ({"status": QuestionStatus.ANSWERED}, "The question is marked answered."),
    "pin": ({"pinned": True}, "The question is pinned on top."),
    "unpin": ({"pinned": False}, "The question is no longer pinned."),
}
SORTS = {"top": "Most upvoted", "new": "Newest"}


def questions_url(activity: Activity) -> str:
    return reverse("admin:activities_activity_questions", args=[activity.pk])


def has_questions(activity: Activity) -> bool:
    return get_type(activity.type).has_questions


def buttons_for(question: Question) -> list[tuple[str, str]]:
    """The (op, label) buttons that change something for this question, in a steady order."""
    public = question.status in qna_selectors.PUBLIC_STATUSES
    ops = []
    if question.status in (QuestionStatus.PENDING, QuestionStatus.HIDDEN):
        ops.append(("approve", "Approve" if question.status == QuestionStatus.PENDING else "Show again"))
    if question.status == QuestionStatus.VISIBLE:
        ops.append(("answered", "Mark answered"))
    if public:
        ops.append(("unpin", "Unpin") if question.pinned else ("pin", "Pin"))
    if question.status != QuestionStatus.HIDDEN:
        ops.append(("hide", "Hide"))
    return ops


class QuestionModerationMixin(admin.ModelAdmin):
    """For the Activity admin: ``<id>/questions/`` (GET: the list; POST: one moderation)."""

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<path:object_id>/questions/",
                self.admin_site.admin_view(self.questions_view),
                name="activities_activity_questions",
            )
        ] + super().get_urls()

    def questions_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        # get_object is scoped to the caller's team's sessions (another's activity: 404).
        activity = self.get_object(request, object_id)
        if activity is None or not has_questions(activity) or not self.has_view_permission(request, activity):
            raise Http404("This activity has no questions.")
        status = request.GET.get("status") or ""
        sort = request.GET.get("sort") or "top"
        if status not in ("", *QuestionStatus.values) or sort not in SORTS:
            raise Http404("Unknown filter.")
        here = questions_url(activity) + _query(status, sort)
        if request.method == "POST":
            return self._moderate(request, activity, here)
        questions = list(
            qna_selectors.question_list(
                activity, organizer=True, participant_id=None, sort=sort, status=status or None
            )
        )
        counts = qna_selectors.status_counts(activity.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Questions: {activity}",
            "opts": self.opts,
            "original": activity,
            "session": activity.session,
            "rows": [{"question": q, "buttons": buttons_for(q)} for q in questions],
            "filters": [
                {
                    "label": "All",
                    "count": sum(counts.values()),
                    "url": questions_url(activity) + _query("", sort),
                    "current": status == "",
                },
                *(
                    {
                        "label": label,
                        "count": counts[value],
                        "url": questions_url(activity) + _query(value, sort),
                        "current": status == value,
                    }
                    for value, label in QuestionStatus.choices
                ),
            ],
            "sorts": [
                {"label": label, "url": questions_url(activity) + _query(status, key), "current": sort == key}
                for key, label in SORTS.items()
            ],
            "status_label": dict(QuestionStatus.choices).get(status, "All"),
            "here": here,
            "can_change": self._can_moderate(request, activity),
        }
        return TemplateResponse(request, "admin/activities/activity/questions.html", context)

    def _can_moderate(self, request: HttpRequest, activity: Activity) -> bool:
        return bool(self.has_moderation_permission(request, activity))  # type: ignore[attr-defined]

    def _moderate(self, request: HttpRequest, activity: Activity, here: str) -> HttpResponse:
        if not self._can_moderate(request, activity):
            raise PermissionDenied
        op = request.POST.get("op", "")
        question_id = _uuid_or_none(request.POST.get("question"))
        question = Question.objects.filter(activity=activity, pk=question_id).first() if question_id else None
        if op not in OPS or question is None:
            self.message_user(request, "Unknown question or operation.", messages.ERROR)
            return HttpResponseRedirect(here)
        changes, done = OPS[op]
        try:
            question_moderate(question=question, **changes, actor=request.user)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(here)


def _query(status: str, sort: str) -> str:
    parts = [f"status={status}"] if status else []
    if sort != "top":
        parts.append(f"sort={sort}")
    return "?" + "&".join(parts) if parts else ""


def _uuid_or_none(value: Any) -> UUID | None:
    try:
        return UUID(str(value))
    except ValueError:
        return None
