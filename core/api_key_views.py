"""``/api/v1/auth/keys``: an organizer creates, lists and revokes their own API keys."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core import api_keys
from core.errors import Forbidden
from core.models import OrganizerApiKey
from core.serializers import ErrorEnvelopeSerializer, StrictCharField, StrictSerializer
from core.views import RoleView

E = ErrorEnvelopeSerializer


class ApiKeyCreateSerializer(StrictSerializer):
    name = StrictCharField(max_length=50, trim_whitespace=True)


class ApiKeySerializer(serializers.ModelSerializer[OrganizerApiKey]):
    # The key's public prefix: the primary key holds the hash, which never leaves the database.
    id = serializers.CharField(source="prefix", read_only=True)
    created_at = serializers.DateTimeField(source="created", read_only=True)

    class Meta:
        model = OrganizerApiKey
        fields = ["id", "name", "created_at", "last_used_at"]


class ApiKeyCreatedSerializer(serializers.Serializer):
    """The answer to a create: the only time the key itself is shown."""

    id = serializers.CharField()
    name = serializers.CharField()
    key = serializers.CharField()
    created_at = serializers.DateTimeField()


class ApiKeyListView(RoleView):
    roles = {"GET": "organizer", "POST": "organizer"}
    serializer_class = ApiKeySerializer

    def get_queryset(self) -> Any:
        return api_keys.api_keys_for(self.request.user)

    @extend_schema(
        operation_id="auth_keys_list", responses={200: ApiKeySerializer(many=True), 401: E, 403: E}
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ApiKeySerializer(page, many=True).data)

    @extend_schema(
        operation_id="auth_keys_create",
        request=ApiKeyCreateSerializer,
        responses={201: ApiKeyCreatedSerializer, 400: E, 401: E, 403: E},
    )
    def post(self, request: Request) -> Response:
        # A key makes no keys: a leaked key must not be able to mint replacements that outlive its
        # revocation. Creating one takes an interactive sign-in (password, SSO, or its bearer token).
        if isinstance(request.auth, OrganizerApiKey):
            raise Forbidden(gettext("An API key cannot create API keys: sign in to create one."))
        data = ApiKeyCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key_obj, key = api_keys.api_key_create(user=request.user, name=data.validated_data["name"])
        body = ApiKeyCreatedSerializer(
            {"id": key_obj.prefix, "name": key_obj.name, "key": key, "created_at": key_obj.created}
        ).data
        return Response(body, status=status.HTTP_201_CREATED)


class ApiKeyDetailView(RoleView):
    roles = {"DELETE": "organizer"}

    @extend_schema(operation_id="auth_keys_revoke", responses={204: None, 401: E, 403: E, 404: E})
    def delete(self, request: Request, key_id: str) -> Response:
        api_keys.api_key_revoke(user=request.user, key_id=key_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
