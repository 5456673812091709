"""Serializer helpers shared by every app."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

UNKNOWN_FIELD = _("Unknown field.")


class StrictMixin:
    """Rejects fields the serializer does not know (the contract forbids silent ignore)."""

    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [str(UNKNOWN_FIELD)] for name in unknown})
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictSerializer(StrictMixin, serializers.Serializer):
    pass


class NoBodySerializer(StrictSerializer):
    """For actions that take no body (rehearse, end a rehearsal): any field sent is unknown."""


class StrictBooleanField(serializers.BooleanField):
    """A JSON boolean and nothing else: ``"yes"``, ``1`` or ``"true"`` are refused (DRF's own
    BooleanField accepts them)."""

    default_error_messages = {"invalid": _("Must be true or false.")}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictCharField(serializers.CharField):
    """A JSON string and nothing else: ``123`` is refused, not stored as ``"123"``."""

    default_error_messages = {"invalid": _("Must be a string.")}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.DictField()


class ErrorEnvelopeSerializer(serializers.Serializer):
    """The error envelope, for the OpenAPI schema."""

    error = ErrorDetailSerializer()
