from __future__ import annotations

import factory

from activities.models import Activity, Response
from participants.tests.factories import ParticipantFactory
from sessions_app.tests.factories import SessionFactory


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    session = factory.SubFactory(SessionFactory)
    type = "poll"
    title = factory.Sequence(lambda n: f"Activity {n}")
    order = factory.Sequence(lambda n: n + 1)
    config = factory.LazyAttribute(
        lambda o: {
            "question": "Lunch?",
            "options": [{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Salad"}],
            "multiple": False,
        }
        if o.type == "poll"
        else {}
    )


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    activity = factory.SubFactory(ActivityFactory)
    participant = factory.SubFactory(
        ParticipantFactory, session=factory.SelfAttribute("..activity.session")
    )
    response_data = factory.LazyFunction(lambda: {"option_ids": ["a"]})
