"""The Series admin (its tracked questions as server-side SVG charts, a CSV export), the Session
admin's series field and "duplicate into the series", and the activity form's track key."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from activities.models import Activity
from activities.tests.factories import ActivityFactory
from activities.tests.test_trends_api import TYPES, run_session
from sessions_app.models import AuditEntry, Series, Session, SessionInvitation, SessionMember
from sessions_app.tests.factories import SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

POLL = {"question": "Confident?", "options": [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}]}


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def series(organizer: Any) -> Series:
    return Series.objects.create(owner=organizer, name="Retros")


def test_series_page_charts_every_tracked_question(organizer: Any, series: Series) -> None:
    for k in range(3):
        run_session(organizer, series, k)
    run_session(organizer, series, 3, n=2, types=["poll"])  # too few answers
    page = login(organizer).get(reverse("admin:sessions_app_series_change", args=[series.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    # every tracked question has its figure; every numeric one an SVG line chart (the word cloud's
    # top words are a table)
    assert html.count('<figure class="caja-trend"') == len(TYPES)
    assert html.count('<svg class="caja-trend-chart"') == len(TYPES) - 1
    assert 'class="caja-trend-line"' in html
    assert "Too few answers" in html
    assert "Retro 0" in html and "Retro 3" in html
    assert "<script" not in html.split('<figure class="caja-trend"', 1)[1].split("</fieldset>", 1)[0]
    assert "cdn" not in html.lower()


def test_series_csv_export(organizer: Any, series: Series) -> None:
    run_session(organizer, series, 0, types=["poll", "wordcloud"])
    resp = login(organizer).get(reverse("admin:sessions_app_series_csv", args=[series.pk]))
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.content.decode())))
    poll = {r["key"]: r for r in rows if r["track_key"] == "q-poll"}
    assert poll["yes"]["value"] == "20.0" and poll["yes"]["label"] == "Yes"
    assert poll["yes"]["responses"] == "5" and poll["yes"]["too_few"] == "no"
    (cloud,) = [r for r in rows if r["track_key"] == "q-wordcloud"]
    assert cloud["value"] == "Alpha; w0"


def test_another_organizer_cannot_see_the_series(other_organizer: Any, series: Series) -> None:
    client = login(other_organizer)
    assert client.get(reverse("admin:sessions_app_series_change", args=[series.pk])).status_code == 404
    assert client.get(reverse("admin:sessions_app_series_csv", args=[series.pk])).status_code == 404
    listing = client.get(reverse("admin:sessions_app_series_changelist"))
    assert "Retros" not in listing.content.decode()


def test_series_added_and_deleted_through_the_services(organizer: Any) -> None:
    client = login(organizer)
    resp = client.post(reverse("admin:sessions_app_series_add"), {"name": "Town halls"})
    assert resp.status_code == 302
    series = Series.objects.get(name="Town halls")
    assert series.owner == organizer
    live = SessionFactory(owner=organizer, series=series, status="active")
    resp = client.post(
        reverse("admin:sessions_app_series_delete", args=[series.pk]), {"post": "yes"}, follow=True
    )
    assert Series.objects.filter(pk=series.pk).exists()  # a live session keeps it
    assert any("live session" in str(m) for m in get_messages(resp.wsgi_request))
    live.status = "completed"
    live.save()
    client.post(reverse("admin:sessions_app_series_delete", args=[series.pk]), {"post": "yes"})
    assert not Series.objects.filter(pk=series.pk).exists()
    live.refresh_from_db()
    assert live.series_id is None


def test_session_page_sets_the_series(organizer: Any, series: Series, other_organizer: Any) -> None:
    session = SessionFactory(owner=organizer, name="March")
    foreign = Series.objects.create(owner=other_organizer, name="Bob's")
    client = login(organizer)
    url = reverse("admin:sessions_app_session_change", args=[session.pk])
    page = client.get(url).content.decode()
    assert "Retros" in page and "Bob&#x27;s" not in page and "Bob's" not in page
    base = {"name": "March", "description": "", "language": "en"}
    inline = {
        "activities-TOTAL_FORMS": "0",
        "activities-INITIAL_FORMS": "0",
        "activities-MIN_NUM_FORMS": "0",
        "activities-MAX_NUM_FORMS": "1000",
    }
    resp = client.post(url, {**base, **inline, "series": str(foreign.pk)})
    assert resp.status_code == 200  # the form refuses another organizer's series
    session.refresh_from_db()
    assert session.series_id is None
    resp = client.post(url, {**base, **inline, "series": str(series.pk)})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    session.refresh_from_db()
    assert session.series_id == series.pk
    assert AuditEntry.objects.filter(session=session, action="session.series").exists()


def test_duplicate_into_the_series(organizer: Any, series: Series) -> None:
    source = run_session(organizer, series, 0, types=["poll", "rating"])
    co, pat = UserFactory(username="carol"), UserFactory(username="pat")
    SessionMember.objects.create(session=source, user=co, role="co_organizer")
    SessionMember.objects.create(session=source, user=pat, role="presenter")
    SessionInvitation.objects.create(session=source, email="new@example.com", role="moderator")
    resp = login(organizer).post(
        reverse("admin:sessions_app_session_changelist"),
        {"action": "duplicate_into_series", "_selected_action": [str(source.pk)], "index": 0},
    )
    assert resp.status_code == 302
    copy = Session.objects.exclude(pk=source.pk).get()
    assert copy.series_id == series.pk and copy.status == "draft"
    assert copy.name == "Retros #2"
    assert sorted(copy.activities.values_list("type", "track_key")) == [
        ("poll", "q-poll"),
        ("rating", "q-rating"),
    ]
    assert set(SessionMember.objects.filter(session=copy).values_list("user__username", "role")) == {
        ("carol", "co_organizer"),
        ("pat", "presenter"),
    }
    assert SessionInvitation.objects.filter(session=copy, email="new@example.com", role="moderator").exists()


def test_duplicate_into_the_series_needs_a_series(organizer: Any) -> None:
    session = SessionFactory(owner=organizer)
    resp = login(organizer).post(
        reverse("admin:sessions_app_session_changelist"),
        {"action": "duplicate_into_series", "_selected_action": [str(session.pk)], "index": 0},
        follow=True,
    )
    assert any("no series" in str(m) for m in get_messages(resp.wsgi_request))
    assert Session.objects.count() == 1


def test_activity_form_suggests_and_saves_a_track_key(organizer: Any, series: Series) -> None:
    session = SessionFactory(owner=organizer, series=series)
    activity = ActivityFactory(session=session, title="How confident are you?", config=POLL)
    client = login(organizer)
    url = reverse("admin:activities_activity_change", args=[activity.pk])
    page = client.get(url).content.decode()
    assert 'placeholder="how-confident-are-you"' in page
    data = {"title": activity.title, "order": activity.order, "question": "Confident?", "options": "Yes\nNo"}
    resp = client.post(url, {**data, "track_key": "Not Valid"})
    assert resp.status_code == 200
    activity.refresh_from_db()
    assert activity.track_key is None
    resp = client.post(url, {**data, "track_key": "confidence"})
    assert resp.status_code == 302, resp.content.decode()[:3000]
    activity.refresh_from_db()
    assert activity.track_key == "confidence"
    assert AuditEntry.objects.filter(action="activity.track_key", target_id=str(activity.pk)).exists()
    assert Activity.objects.count() == 1
