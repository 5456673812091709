from __future__ import annotations

import secrets

import factory
import factory.random

from participants.models import Participant
from participants.services import hash_token
from sessions_app.tests.factories import SessionFactory


class ParticipantFactory(factory.django.DjangoModelFactory):
    """``ParticipantFactory(token="...")`` stores that token's hash; the token is kept on the
    instance as ``.token`` for tests."""

    class Meta:
        model = Participant

    session = factory.SubFactory(SessionFactory)
    nickname = factory.Sequence(lambda n: f"player{n}")
    nickname_key = factory.LazyAttribute(lambda o: o.nickname.casefold())

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        token = kwargs.pop("token", None) or f"tok-{secrets.token_hex(12)}"
        kwargs["token_hash"] = hash_token(token)
        obj = super()._create(model_class, *args, **kwargs)
        obj.token = token
        return obj
