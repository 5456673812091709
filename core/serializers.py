"""Serializer helpers shared by every app."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class StrictMixin:
    """Rejects fields the serializer does not know (the contract forbids silent ignore)."""

    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictSerializer(StrictMixin, serializers.Serializer):
    pass


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.DictField()


class ErrorEnvelopeSerializer(serializers.Serializer):
    """The error envelope, for the OpenAPI schema."""

    error = ErrorDetailSerializer()
