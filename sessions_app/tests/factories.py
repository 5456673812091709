from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from sessions_app.models import Session
from sessions_app.services import generate_join_code


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"organizer{n}")
    is_staff = True
    password = factory.django.Password("pw-organizer-123")


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    name = factory.Sequence(lambda n: f"Town hall {n}")
    owner = factory.SubFactory(UserFactory)
    join_code = factory.LazyFunction(generate_join_code)
    status = "draft"
