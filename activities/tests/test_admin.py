"""The activity, response and participant admins, and the Session admin's activity features:
per-type config forms, lifecycle actions, results pages, duplicate and export."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from activities import services
from activities.models import Activity, HiddenWord, Response
from activities.types import get_type, qna
from activities.types import quiz as quiz_type
from activities.types.forms import config_form_for, format_options, parse_options
from activities.types.poker.forms import PokerConfigForm
from activities.types.poll.forms import PollConfigForm
from activities.types.qna.services import question_post
from activities.types.quiz.forms import QuizConfigForm
from activities.types.wordcloud.forms import WordCloudConfigForm
from core.testing import translated, translated_plural
from participants.models import Participant
from participants.services import participant_join
from sessions_app.models import Session
from sessions_app.services import session_create, session_start

pytestmark = pytest.mark.django_db

POLL = {"question": "Lunch?", "options": [{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Salad"}]}
QUIZ = {
    "question": "Capital of France?",
    "options": [{"id": "a", "label": "Paris"}, {"id": "b", "label": "Rome"}],
    "correct_option_id": "a",
    "lead_in_seconds": 0,
}


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def add_url(session: Session | None = None, type: str | None = None) -> str:
    url = reverse("admin:activities_activity_add")
    params = []
    if session is not None:
        params.append(f"session={session.pk}")
    if type is not None:
        params.append(f"type={type}")
    return url + ("?" + "&".join(params) if params else "")


def change_url(activity: Activity) -> str:
    return reverse("admin:activities_activity_change", args=[activity.pk])


def results_url(activity: Activity) -> str:
    return reverse("admin:activities_activity_results", args=[activity.pk])


def act(client: Client, model: str, action: str, *objs: Any) -> Any:
    app = {"activity": "activities", "session": "sessions_app", "participant": "participants"}[model]
    return client.post(
        reverse(f"admin:{app}_{model}_changelist"),
        {"action": action, "_selected_action": [str(o.pk) for o in objs], "index": 0},
        follow=True,
    )


def form_errors(response: Any) -> dict[str, list[str]]:
    form = response.context["adminform"].form
    return {k: [str(e) for e in v] for k, v in form.errors.items()}


@pytest.fixture
def a_session(organizer: Any) -> Session:
    return session_create(owner=organizer, name="Alice's town hall")


@pytest.fixture
def b_session(other_organizer: Any) -> Session:
    return session_create(owner=other_organizer, name="Bob's retro")


@pytest.fixture
def live(a_session: Session) -> dict[str, Any]:
    """An active session with a poll, a poker, a quiz and a word cloud, and two participants."""
    poll = services.activity_create(session=a_session, type="poll", config=POLL, title="Lunch")
    poker = services.activity_create(session=a_session, type="poker", config={"story": "Login"}, title="Est")
    quiz = services.activity_create(session=a_session, type="quiz", config=QUIZ, title="Quiz")
    cloud = services.activity_create(
        session=a_session, type="wordcloud", config={"prompt": "Mood?"}, title="Mood"
    )
    session_start(session=a_session)
    ann, _ = participant_join(session=a_session, nickname="Ann")
    bo, _ = participant_join(session=a_session, nickname="=Bo")
    return {
        "session": a_session,
        "poll": poll,
        "poker": poker,
        "quiz": quiz,
        "cloud": cloud,
        "ann": ann,
        "bo": bo,
    }


def answer(activity: Activity, participant: Participant, data: dict[str, Any]) -> None:
    activity.refresh_from_db()
    if activity.status != "active":
        services.activity_set_status(activity=activity, status="active")
    services.response_submit(participant=participant, activity=activity, response_data=data)


# --- the config forms on their own -------------------------------------------------------------


def test_every_registered_type_has_a_form_on_its_class():
    assert config_form_for(get_type("poll")) is PollConfigForm
    assert config_form_for(get_type("poker")) is PokerConfigForm
    assert config_form_for(get_type("quiz")) is QuizConfigForm
    assert config_form_for(get_type("wordcloud")) is WordCloudConfigForm


def test_options_text_round_trip():
    options = parse_options("Pizza\n\n  Salad  \nx | Soup")
    assert options == [
        {"id": "a", "label": "Pizza"},
        {"id": "b", "label": "Salad"},
        {"id": "x", "label": "Soup"},
    ]
    assert format_options([{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Salad"}]) == "Pizza\nSalad"
    assert parse_options(format_options(options)) == options
    # An explicit id is never reused by a generated one.
    assert [o["id"] for o in parse_options("a | One\nTwo")] == ["a", "b"]


@pytest.mark.parametrize(
    ("form_class", "config"),
    [
        (PollConfigForm, {**POLL, "multiple": True, "max_choices": 2}),
        (PokerConfigForm, {"story": "S", "deck": ["1", "2", "?"]}),
        (PokerConfigForm, {"story": "", "deck": "tshirt"}),
        (QuizConfigForm, {**QUIZ, "time_limit_seconds": None, "points": 500}),
        (WordCloudConfigForm, {"prompt": "One word", "max_words": 2, "max_length": 10}),
    ],
)
def test_forms_reproduce_a_stored_config(form_class, config):
    clean = get_type(form_class.type_key).validate_config(config)
    form = form_class(data=form_class.initial_from_config(clean))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["config"] == clean


# --- scoping ----------------------------------------------------------------------------------


def test_other_organizer_cannot_see_activities_participants_responses(
    organizer, other_organizer, superuser, live
):
    answer(live["poll"], live["ann"], {"option_ids": ["a"]})
    response_obj = Response.objects.get()
    b = login(other_organizer)
    for url in [
        change_url(live["poll"]),
        results_url(live["poll"]),
        reverse("admin:activities_activity_delete", args=[live["poll"].pk]),
        reverse("admin:activities_activity_object_action", args=[live["poll"].pk, "expire_activities"]),
        reverse("admin:participants_participant_change", args=[live["ann"].pk]),
        reverse("admin:activities_response_change", args=[response_obj.pk]),
    ]:
        assert b.get(url).status_code == 404, url
    assert b.post(results_url(live["cloud"]), {"op": "hide", "text": "x"}).status_code == 404
    for name in ["activities_activity", "participants_participant", "activities_response"]:
        cl = b.get(reverse(f"admin:{name}_changelist")).context["cl"]
        assert cl.result_count == 0, name
        # The session filter lists only the caller's sessions (no names of others' sessions).
        assert "Alice&#x27;s town hall" not in b.get(reverse(f"admin:{name}_changelist")).content.decode()
    # Actions on someone else's objects do nothing.
    act(b, "activity", "expire_activities", live["poll"])
    act(b, "participant", "kick_participants", live["ann"])
    live["poll"].refresh_from_db()
    live["ann"].refresh_from_db()
    assert live["poll"].status == "active" and live["ann"].kicked_at is None

    a = login(organizer)
    assert a.get(reverse("admin:activities_activity_changelist")).context["cl"].result_count == 4
    assert a.get(reverse("admin:participants_participant_changelist")).context["cl"].result_count == 2
    assert a.get(reverse("admin:activities_response_changelist")).context["cl"].result_count == 1
    s = login(superuser)
    assert s.get(change_url(live["poll"])).status_code == 200
    assert s.get(reverse("admin:activities_response_change", args=[response_obj.pk])).status_code == 200


def test_add_form_offers_only_own_sessions(organizer, a_session, b_session):
    client = login(organizer)
    response = client.get(add_url(type="poll"))
    choices = [str(pk) for pk, _ in response.context["adminform"].form.fields["session"].choices if pk]
    assert choices == [str(a_session.pk)]
    response = client.post(
        add_url(type="poll"), {"session": str(b_session.pk), "question": "Q", "options": "A\nB"}
    )
    assert "session" in form_errors(response)
    assert not Activity.objects.exists()


# --- adding through the per-type forms --------------------------------------------------------


def test_add_without_type_asks_for_session_and_type(organizer, a_session):
    client = login(organizer)
    response = client.get(add_url(session=a_session))
    assert response.status_code == 200
    assert [t for t, _ in response.context["form"].fields["type"].choices] == [
        "open_text",
        "poker",
        "poll",
        "qna",
        "quiz",
        "ranking",
        "rating",
        "slide",
        "wordcloud",
    ]
    response = client.get(add_url(session=a_session, type="poll"))
    assert response.status_code == 200
    fields = response.context["adminform"].form.fields
    assert {"question", "options", "multiple", "max_choices", "session", "title", "order"} <= set(fields)
    assert "config" not in fields  # never only a raw JSON textarea


def test_add_poll(organizer, a_session):
    client = login(organizer)
    response = client.post(
        add_url(a_session, "poll"),
        {"session": str(a_session.pk), "title": "Lunch", "question": " Lunch? ", "options": "Pizza\nSalad\n"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:sessions_app_session_change", args=[a_session.pk])
    activity = Activity.objects.get()
    assert (activity.type, activity.title, activity.order, activity.status) == ("poll", "Lunch", 1, "draft")
    assert activity.config == {
        "question": "Lunch?",
        "options": [{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Salad"}],
        "multiple": False,
        "max_choices": None,
    }


def test_poll_with_one_option_is_an_error_on_the_options_field(organizer, a_session):
    response = login(organizer).post(
        add_url(a_session, "poll"), {"session": str(a_session.pk), "question": "Q?", "options": "Only one"}
    )
    assert response.status_code == 200
    errors = form_errors(response)
    assert errors["options"] == ["At least 2 options are required."]
    assert "At least 2 options are required." in response.content.decode()
    assert not Activity.objects.exists()


def test_poll_max_choices_needs_multiple(organizer, a_session):
    response = login(organizer).post(
        add_url(a_session, "poll"),
        {"session": str(a_session.pk), "question": "Q?", "options": "A\nB", "max_choices": 1},
    )
    # The form's words (the checkbox), not the API's field name ("multiple").
    assert form_errors(response)["max_choices"] == [
        "Only with “Allow several choices” ticked; leave it blank otherwise."
    ]


def test_poll_nested_option_error_names_the_line(organizer, a_session):
    response = login(organizer).post(
        add_url(a_session, "poll"),
        {"session": str(a_session.pk), "question": "Q?", "options": "A\nb | " + "x" * 201},
    )
    assert form_errors(response)["options"] == ["Line 2 (label): At most 200 characters."]


def test_add_quiz_and_its_correct_option(organizer, a_session):
    client = login(organizer)
    base = {"session": str(a_session.pk), "question": "Capital?", "options": "Paris\nRome", "points": 1000}
    response = client.post(
        add_url(a_session, "quiz"), {**base, "correct_option": "Berlin", "time_limit_seconds": 20}
    )
    assert form_errors(response) == {"correct_option": ["Must be the id of one of the options."]}
    assert not Activity.objects.exists()

    response = client.post(
        add_url(a_session, "quiz"), {**base, "correct_option": "rome", "time_limit_seconds": ""}
    )
    assert response.status_code == 302
    config = Activity.objects.get().config
    assert config["correct_option_id"] == "b"  # resolved from the label
    assert config["time_limit_seconds"] is None and config["points"] == 1000


def test_quiz_out_of_range_numbers(organizer, a_session):
    response = login(organizer).post(
        add_url(a_session, "quiz"),
        {
            "session": str(a_session.pk),
            "question": "Q",
            "options": "A\nB",
            "correct_option": "1",
            "time_limit_seconds": 2,
            "points": 0,
        },
    )
    errors = form_errors(response)
    assert errors["time_limit_seconds"] == ["Must be between 5 and 600."]
    assert errors["points"] == ["Must be between 1 and 10000."]


def test_add_poker_decks(organizer, a_session):
    client = login(organizer)
    response = client.post(
        add_url(a_session, "poker"),
        {"session": str(a_session.pk), "story": "Login page", "deck": "custom", "custom_cards": "1, 2, 3, ?"},
    )
    assert response.status_code == 302
    assert Activity.objects.get().config == {
        "story": "Login page",
        "deck": ["1", "2", "3", "?"],
        "auto_reveal": False,
    }

    response = client.post(
        add_url(a_session, "poker"), {"session": str(a_session.pk), "deck": "custom", "custom_cards": "1,,2"}
    )
    assert form_errors(response) == {"custom_cards": ["Card 2: A card may not be blank."]}
    response = client.post(add_url(a_session, "poker"), {"session": str(a_session.pk), "deck": "custom"})
    assert form_errors(response) == {"custom_cards": ["Enter the cards of the custom deck."]}
    response = client.post(
        add_url(a_session, "poker"),
        {"session": str(a_session.pk), "title": "Sizes", "deck": "tshirt", "auto_reveal": "on"},
    )
    assert response.status_code == 302
    assert Activity.objects.order_by("order").values_list("config", flat=True)[1] == {
        "story": "",
        "deck": "tshirt",
        "auto_reveal": True,
    }


def test_add_wordcloud(organizer, a_session):
    client = login(organizer)
    data = {"session": str(a_session.pk), "prompt": "One word", "max_words": 9, "max_length": 25}
    response = client.post(add_url(a_session, "wordcloud"), data)
    assert form_errors(response) == {"max_words": ["Must be between 1 and 5."]}
    response = client.post(add_url(a_session, "wordcloud"), {**data, "max_words": 2})
    assert response.status_code == 302
    assert Activity.objects.get().config == {"prompt": "One word", "max_words": 2, "max_length": 25}


def test_unknown_type_is_404(organizer, a_session):
    assert login(organizer).get(add_url(a_session, "nope")).status_code == 200  # back to the chooser
    response = login(organizer).post(add_url(a_session, "nope"), {"session": str(a_session.pk)})
    assert response.status_code == 200 and not Activity.objects.exists()


# --- changing ---------------------------------------------------------------------------------


def test_change_shows_config_as_fields_and_saves_through_activity_update(organizer, a_session):
    activity = services.activity_create(session=a_session, type="poll", config=POLL, title="Lunch")
    client = login(organizer)
    response = client.get(change_url(activity))
    form = response.context["adminform"].form
    assert form["options"].value() == "Pizza\nSalad" and form["question"].value() == "Lunch?"
    response = client.post(
        change_url(activity),
        {
            "title": "Lunch vote",
            "order": 3,
            "question": "Lunch?",
            "options": "Pizza\nSalad\nSoup",
            "multiple": "on",
        },
    )
    assert response.status_code == 302, form_errors(response)
    activity.refresh_from_db()
    # The only activity of its session: positions close up to 1.
    assert activity.title == "Lunch vote" and activity.order == 1
    assert [o["label"] for o in activity.config["options"]] == ["Pizza", "Salad", "Soup"]
    assert activity.config["multiple"] is True

    response = client.post(
        change_url(activity), {"title": "x", "order": 3, "question": "", "options": "A\nB"}
    )
    assert "question" in form_errors(response)


def test_live_activity_config_is_read_only(organizer, live):
    poll = live["poll"]
    services.activity_set_status(activity=poll, status="active")
    client = login(organizer)
    form = client.get(change_url(poll)).context["adminform"].form
    assert form.fields["options"].disabled
    response = client.post(
        change_url(poll), {"title": "Renamed", "order": 1, "question": "Changed?", "options": "X\nY"}
    )
    assert response.status_code == 302
    poll.refresh_from_db()
    assert poll.title == "Renamed" and poll.config["question"] == "Lunch?"


def test_inline_edits_and_deletes_through_the_services(organizer, a_session):
    first = services.activity_create(session=a_session, type="poll", config=POLL, title="One")
    second = services.activity_create(session=a_session, type="poll", config=POLL, title="Two")
    client = login(organizer)
    url = reverse("admin:sessions_app_session_change", args=[a_session.pk])
    body = client.get(url).content.decode()
    assert f"{add_url(a_session, 'quiz')}".replace("&", "&amp;") in body
    assert change_url(first) in body and "Edit config" in body
    data = {
        "name": a_session.name,
        "description": "",
        "activities-TOTAL_FORMS": 2,
        "activities-INITIAL_FORMS": 2,
        "activities-MIN_NUM_FORMS": 0,
        "activities-MAX_NUM_FORMS": 1000,
        "activities-0-id": str(first.pk),
        "activities-0-session": str(a_session.pk),
        "activities-0-order": 5,
        "activities-0-title": "One!",
        "activities-1-id": str(second.pk),
        "activities-1-session": str(a_session.pk),
        "activities-1-order": second.order,
        "activities-1-title": second.title,
        "activities-1-DELETE": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.order, first.title) == (1, "One!")  # the only one left: positions close up
    assert not Activity.objects.filter(pk=second.pk).exists()


# --- the config forms speak the organizer's language ----------------------------------------


def german(user: Any) -> Client:
    client = login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    return client


@pytest.mark.parametrize(
    ("kind", "texts"),
    [
        (
            "poll",
            [
                "Question",
                "Allow several choices",
                "Max choices",
                "Only with several choices; blank: no limit.",
                "One option per line. Ids are generated (a, b, c, …); to choose an id yourself write "
                "<code>id | Label</code>.",
            ],
        ),
        (
            "quiz",
            [
                "Correct option",
                "Time limit (seconds)",
                "Points",
                "1–10000 for a correct answer.",
                "The id of the correct option (a, b, …), its number (1, 2, …) or its exact label.",
            ],
        ),
    ],
)
def test_config_fields_are_labelled_in_the_admin_language(superuser, live, kind, texts):
    body = german(superuser).get(change_url(live[kind])).content.decode()
    for text in texts:
        assert translated("de", text) in body, text
    # No English left ("Question" alone is too common a word: looked for as a label).
    for english in texts[1:]:
        assert english not in body, english
    assert ">Question:</label>" not in body and ">Points:</label>" not in body


def test_config_help_with_a_number_is_translated_when_shown(organizer, a_session):
    """A help text holding a constant is formatted when the page is rendered, not at import."""
    body = german(organizer).get(add_url(a_session, "qna")).content.decode()
    expected = translated("de", "Characters per question, %(min)s to %(max)s.") % {
        "min": qna.MAX_LENGTH_MIN,
        "max": qna.MAX_LENGTH_MAX,
    }
    assert expected in body and "Characters per question" not in body
    assert translated("de", "Moderate") in body and ">Moderate</label>" not in body


def test_a_new_activity_starts_from_its_config_forms_defaults(organizer, a_session):
    """The add page shows the type's initial values (a new activity has its UUID already, which
    once made the form take it for a saved one and fill the fields from an empty config)."""
    form = login(organizer).get(add_url(a_session, "qna")).context["adminform"].form
    assert str(form["prompt"].value()) == "Ask us anything"
    assert form["allow_anonymous"].value() is True
    assert not form["prompt"].field.disabled
    german_form = german(organizer).get(add_url(a_session, "qna")).context["adminform"].form
    assert str(german_form["prompt"].value()) == translated("de", "Ask us anything")
    quiz = login(organizer).get(add_url(a_session, "quiz")).context["adminform"].form
    assert quiz["time_limit_seconds"].value() == quiz_type.DEFAULT_TIME_LIMIT


def test_config_form_errors_are_translated(organizer, a_session):
    client = german(organizer)
    response = client.post(add_url(a_session, "poker"), {"session": str(a_session.pk), "deck": "custom"})
    message = translated("de", "Enter the cards of the custom deck.")
    assert form_errors(response) == {"custom_cards": [message]}
    assert message in response.content.decode()
    # The prefix naming the line of the textarea is translated too.
    response = client.post(
        add_url(a_session, "poll"),
        {"session": str(a_session.pk), "question": "Q?", "options": "A\nb | " + "x" * 201},
    )
    too_long = translated_plural("de", "At most %(n)s character.", "At most %(n)s characters.", 200)
    assert form_errors(response)["options"] == [f"{translated('de', 'Line')} 2 (label): {too_long}"]
    assert not Activity.objects.exists()


# --- activity lifecycle actions ---------------------------------------------------------------


def test_activity_actions(organizer, a_session):
    client = login(organizer)
    poker = services.activity_create(session=a_session, type="poker", config={"story": "S"})
    poll = services.activity_create(session=a_session, type="poll", config=POLL)

    response = act(client, "activity", "activate_activities", poker)
    assert "Start the session before activating an activity." in " ".join(messages_of(response))
    session_start(session=a_session)

    response = act(client, "activity", "publish_activities", poll)
    assert "Published 1 activity(ies)." in messages_of(response)
    response = act(client, "activity", "activate_activities", poker)
    assert "Activated 1 activity(ies)." in messages_of(response)
    poker.refresh_from_db()
    assert poker.status == "active"

    ann, _ = participant_join(session=a_session, nickname="Ann")
    answer(poker, ann, {"value": "5"})
    response = act(client, "activity", "reveal_activities", poker)
    assert "Revealed 1 activity(ies)." in messages_of(response)
    poker.refresh_from_db()
    assert poker.revealed_at is not None

    response = act(client, "activity", "reset_activities", poker)
    assert "Started a new round in 1 activity(ies)." in messages_of(response)
    poker.refresh_from_db()
    assert poker.round == 2 and poker.revealed_at is None and not poker.responses.exists()
    assert poker.history[0]["results"]["distribution"] == {"5": 1}

    response = act(client, "activity", "reveal_activities", poll)
    assert "A Poll has nothing to reveal." in " ".join(messages_of(response))
    response = act(client, "activity", "reset_activities", poll)
    assert "A Poll cannot be reset." in " ".join(messages_of(response))

    response = act(client, "activity", "expire_activities", poker)
    assert "Ended 1 activity(ies)." in messages_of(response)
    poker.refresh_from_db()
    assert poker.status == "expired"
    response = act(client, "activity", "expire_activities", poker)
    assert response.status_code == 200
    assert "Cannot change status from expired to expired." in " ".join(messages_of(response))


def test_activity_change_page_buttons(organizer, live):
    client = login(organizer)
    poker = live["poker"]
    body = client.get(change_url(poker)).content.decode()
    activate = reverse("admin:activities_activity_object_action", args=[poker.pk, "activate_activities"])
    assert activate in body
    assert (
        reverse("admin:activities_activity_object_action", args=[poker.pk, "expire_activities"]) not in body
    )
    assert client.post(activate).status_code == 302
    poker.refresh_from_db()
    assert poker.status == "active"
    body = client.get(change_url(poker)).content.decode()
    assert reverse("admin:activities_activity_object_action", args=[poker.pk, "reset_activities"]) in body
    # A poll has no reveal/reset buttons.
    body = client.get(change_url(live["poll"])).content.decode()
    assert "reveal_activities" not in body and "reset_activities" not in body


def test_delete_activity_through_activity_delete(organizer, live):
    services.activity_set_status(activity=live["poll"], status="active")
    client = login(organizer)
    response = client.post(
        reverse("admin:activities_activity_delete", args=[live["poll"].pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    live["session"].refresh_from_db()
    assert live["session"].current_activity_id is None


# --- session actions that need activities -----------------------------------------------------


def test_activate_next_activity_action(organizer, live):
    client = login(organizer)
    response = act(client, "session", "activate_next_activity", live["session"])
    assert "“Lunch” is now live." in " ".join(messages_of(response))
    live["poll"].refresh_from_db()
    assert live["poll"].status == "active"
    act(client, "session", "activate_next_activity", live["session"])
    live["poll"].refresh_from_db()
    live["poker"].refresh_from_db()
    assert (live["poll"].status, live["poker"].status) == ("expired", "active")
    for _ in range(2):
        act(client, "session", "activate_next_activity", live["session"])
    response = act(client, "session", "activate_next_activity", live["session"])
    assert "There is no activity left to activate." in " ".join(messages_of(response))

    draft = session_create(owner=organizer, name="Draft")
    response = act(client, "session", "activate_next_activity", draft)
    assert "Start the session before moving to the next activity." in " ".join(messages_of(response))


def test_duplicate_action(organizer, live):
    answer(live["poll"], live["ann"], {"option_ids": ["a"]})
    services.hidden_word_add(activity=live["cloud"], text="meh")
    client = login(organizer)
    response = client.post(
        reverse("admin:sessions_app_session_changelist"),
        {"action": "duplicate_sessions", "_selected_action": [str(live["session"].pk)], "index": 0},
    )
    copy = Session.objects.exclude(pk=live["session"].pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:sessions_app_session_change", args=[copy.pk])
    assert copy.name == "Alice's town hall (copy)" and copy.status == "draft" and copy.owner == organizer
    assert copy.join_code != live["session"].join_code
    originals = list(live["session"].activities.order_by("order"))
    copies = list(copy.activities.order_by("order"))
    assert [(a.type, a.title, a.order, a.config) for a in copies] == [
        (a.type, a.title, a.order, a.config) for a in originals
    ]
    assert {a.status for a in copies} == {"draft"}
    assert not copy.participants.exists()
    assert not Response.objects.filter(activity__session=copy).exists()
    assert not HiddenWord.objects.filter(activity__session=copy).exists()


def test_duplicate_action_says_what_it_copies_in_the_admins_language(organizer: Any) -> None:
    # The copy takes the activities, their pictures, the teams and the series: the label says so, in
    # the language of the admin's page.
    session_create(owner=organizer, name="Quiz night")
    label = (
        "Duplicate selected sessions as new drafts (activities, pictures, teams and series; "
        "no participants or answers)"
    )
    client = login(organizer)
    page = client.get(reverse("admin:sessions_app_session_changelist")).content.decode()
    assert f'<option value="duplicate_sessions">{label}</option>' in page
    page = client.get(
        reverse("admin:sessions_app_session_changelist"), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert f'<option value="duplicate_sessions">{translated("fr", label)}</option>' in page


def _export(client: Client, session: Session, fmt: str) -> tuple[Any, str]:
    response = client.post(
        reverse("admin:sessions_app_session_changelist"),
        {"action": f"export_results_{fmt}", "_selected_action": [str(session.pk)], "index": 0},
    )
    return response, b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]


def test_export_csv_and_json(organizer, live):
    answer(live["poll"], live["ann"], {"option_ids": ["a"]})
    answer(live["poll"], live["bo"], {"option_ids": ["b"]})
    client = login(organizer)

    response, body = _export(client, live["session"], "csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"] and ".csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {r["record"] for r in rows} == {"results", "response"}
    responses = [r for r in rows if r["record"] == "response"]
    assert len(responses) == 2
    assert "'=Bo" in body  # formula-looking nickname neutralized

    response, body = _export(client, live["session"], "json")
    assert response["Content-Type"] == "application/json"
    data = json.loads(body)
    poll = next(a for a in data["activities"] if a["id"] == str(live["poll"].pk))
    assert poll["results"]["total_responses"] == 2
    assert len(poll["responses"]) == 2
    assert len(data["activities"]) == 4


def test_export_includes_the_qna_questions(organizer, live):
    qna = services.activity_create(session=live["session"], type="qna", title="Ask")
    services.activity_set_status(activity=qna, status="published")
    question_post(participant=live["ann"], activity=qna, text="+Why so early?", anonymous=True)
    question_post(participant=live["bo"], activity=qna, text="Coffee?")
    client = login(organizer)
    _, body = _export(client, live["session"], "csv")
    rows = [r for r in csv.DictReader(io.StringIO(body)) if r["record"] == "question"]
    assert [(r["text"], r["nickname"], r["upvotes"], r["status"], r["pinned"]) for r in rows] == [
        ("'+Why so early?", "anonymous", "0", "visible", "false"),
        ("Coffee?", "'=Bo", "0", "visible", "false"),
    ]
    _, body = _export(client, live["session"], "json")
    exported = next(a for a in json.loads(body)["activities"] if a["type"] == "qna")
    assert [(q["text"], q["nickname"]) for q in exported["questions"]] == [
        ("+Why so early?", "anonymous"),
        ("Coffee?", "=Bo"),
    ]


def test_export_needs_exactly_one_session(organizer, live):
    other = session_create(owner=organizer, name="Other")
    response = act(login(organizer), "session", "export_results_csv", live["session"], other)
    assert "Select exactly one session to export." in messages_of(response)


def test_export_button_on_change_page(organizer, live):
    client = login(organizer)
    url = reverse(
        "admin:sessions_app_session_object_action", args=[live["session"].pk, "export_results_json"]
    )
    assert (
        url
        in client.get(
            reverse("admin:sessions_app_session_change", args=[live["session"].pk])
        ).content.decode()
    )
    response = client.post(url)
    data = json.loads(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert data["session"]["id"] == str(live["session"].pk)


# --- results pages ----------------------------------------------------------------------------


def test_results_page_renders_poll_counts_and_percentages(organizer, live):
    answer(live["poll"], live["ann"], {"option_ids": ["a"]})
    answer(live["poll"], live["bo"], {"option_ids": ["a"]})
    body = login(organizer).get(results_url(live["poll"])).content.decode()
    assert "Pizza" in body and "Salad" in body and "100.0 %" in body and "Percentage" in body


def test_results_page_poker_stats_and_quiz_leaderboard(organizer, live):
    answer(live["poker"], live["ann"], {"value": "5"})
    answer(live["poker"], live["bo"], {"value": "8"})
    services.activity_reveal(activity=live["poker"])
    body = login(organizer).get(results_url(live["poker"])).content.decode()
    assert "Average" in body and "6.5" in body and "Consensus" in body

    answer(live["quiz"], live["ann"], {"option_id": "a"})
    services.activity_reveal(activity=live["quiz"])
    body = login(organizer).get(results_url(live["quiz"])).content.decode()
    assert "Leaderboard" in body and "Ann" in body


def test_hide_and_unhide_words(organizer, live):
    answer(live["cloud"], live["ann"], {"words": ["Happy", "tired"]})
    client = login(organizer)
    body = client.get(results_url(live["cloud"])).content.decode()
    assert 'value="Happy"' in body and "caja-hide" in body
    response = client.post(results_url(live["cloud"]), {"op": "hide", "text": "Happy"}, follow=True)
    assert HiddenWord.objects.filter(activity=live["cloud"], text="happy").exists()
    assert "“Happy” is hidden from the public results." in messages_of(response)
    body = response.content.decode()
    assert "caja-unhide" in body
    response = client.post(results_url(live["cloud"]), {"op": "unhide", "text": "happy"})
    assert response.status_code == 302
    assert not HiddenWord.objects.exists()
    # A poll has no words: a clear message, not a 500; an external "next" is ignored.
    response = client.post(
        results_url(live["poll"]), {"op": "hide", "text": "x", "next": "https://evil.example/"}
    )
    assert response["Location"] == results_url(live["poll"])


def test_session_overview_and_kick(organizer, live):
    answer(live["quiz"], live["ann"], {"option_id": "a"})
    services.activity_reveal(activity=live["quiz"])
    client = login(organizer)
    url = reverse("admin:sessions_app_session_overview", args=[live["session"].pk])
    body = client.get(url).content.decode()
    assert "Participants (2)" in body and "Ann" in body and "Quiz leaderboard" in body
    response = client.post(url, {"op": "kick", "participant": str(live["bo"].pk)}, follow=True)
    live["bo"].refresh_from_db()
    assert live["bo"].kicked_at is not None and live["bo"].token_hash is None
    assert "=Bo was removed." in messages_of(response)
    client.post(url, {"op": "kick", "participant": str(live["ann"].pk), "purge": "1"})
    assert not Participant.objects.filter(pk=live["ann"].pk).exists()
    assert client.post(url, {"op": "kick", "participant": "nope"}).status_code == 404


# --- participants and responses are read-only -------------------------------------------------


def test_participant_admin_is_read_only_with_kick(organizer, live):
    client = login(organizer)
    assert client.get(reverse("admin:participants_participant_add")).status_code == 403
    url = reverse("admin:participants_participant_change", args=[live["ann"].pk])
    response = client.get(url)
    assert response.status_code == 200 and 'name="_save"' not in response.content.decode()
    assert client.post(url, {"nickname": "Changed"}).status_code == 403
    assert (
        client.get(reverse("admin:participants_participant_delete", args=[live["ann"].pk])).status_code == 403
    )
    response = act(client, "participant", "kick_participants", live["ann"])
    assert "Kicked 1 participant(s)." in messages_of(response)
    live["ann"].refresh_from_db()
    assert live["ann"].kicked_at is not None


def test_response_admin_is_read_only(organizer, live):
    answer(live["poll"], live["ann"], {"option_ids": ["a"]})
    response_obj = Response.objects.get()
    client = login(organizer)
    assert client.get(reverse("admin:activities_response_add")).status_code == 403
    url = reverse("admin:activities_response_change", args=[response_obj.pk])
    assert 'name="_save"' not in client.get(url).content.decode()
    assert client.post(url, {"response_data": '{"option_ids": ["b"]}'}).status_code == 403
    response_obj.refresh_from_db()
    assert response_obj.response_data == {"option_ids": ["a"]}
    # No actions at all (not even delete_selected).
    assert client.get(reverse("admin:activities_response_changelist")).context["action_form"] is None


def test_add_the_v1_1_types_through_their_forms(organizer, a_session):
    """Open text, rating and ranking have typed config forms (no raw JSON), with the API's rules."""
    client = login(organizer)
    base = {"session": str(a_session.pk)}
    response = client.post(
        add_url(a_session, "rating"),
        {**base, "question": "Rate", "statements": "Talks\nFood", "scale_min": 1, "scale_max": 12},
    )
    assert form_errors(response) == {"scale_max": ["Must be between 2 and 10."]}
    response = client.post(
        add_url(a_session, "rating"),
        {
            **base,
            "question": "Rate",
            "statements": "Talks\nFood",
            "scale_min": 0,
            "scale_max": 10,
            "max_label": "Top",
        },
    )
    assert response.status_code == 302
    assert Activity.objects.get(type="rating").config == {
        "question": "Rate",
        "statements": [{"id": "a", "label": "Talks"}, {"id": "b", "label": "Food"}],
        "scale_min": 0,
        "scale_max": 10,
        "max_label": "Top",
    }
    response = client.post(add_url(a_session, "ranking"), {**base, "question": "Order", "items": "Only one"})
    assert form_errors(response) == {"items": ["At least 2 items are required."]}
    response = client.post(add_url(a_session, "ranking"), {**base, "question": "Order", "items": "A\nB\nC"})
    assert response.status_code == 302
    assert [i["label"] for i in Activity.objects.get(type="ranking").config["items"]] == ["A", "B", "C"]
    response = client.post(add_url(a_session, "open_text"), {**base, "prompt": "Wish?", "max_length": 5000})
    assert form_errors(response) == {"max_length": ["Must be between 1 and 1000."]}
    response = client.post(add_url(a_session, "open_text"), {**base, "prompt": "Wish?", "max_length": 100})
    assert response.status_code == 302
    assert Activity.objects.get(type="open_text").config == {
        "prompt": "Wish?",
        "max_length": 100,
        "show_live": False,
    }
