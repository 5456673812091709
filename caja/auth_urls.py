from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from core.api_key_views import ApiKeyDetailView, ApiKeyListView


class SignInTokenObtainPairSerializer(TokenObtainPairSerializer):
    """Obtaining a JWT is a sign-in: ``user_logged_in`` is sent, as for the admin's login (pending
    team invitations bind then: sessions_app.members.invitations_bind)."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        data = super().validate(attrs)
        user_logged_in.send(sender=type(self.user), request=self.context.get("request"), user=self.user)
        return data


# The schema describes simplejwt's own serializer (drf-spectacular's extension knows its shapes).
@extend_schema_view(
    post=extend_schema(request=TokenObtainPairSerializer, responses=TokenObtainPairSerializer)
)
class SignInTokenObtainPairView(TokenObtainPairView):
    serializer_class = SignInTokenObtainPairSerializer


urlpatterns = [
    path("auth/token", SignInTokenObtainPairView.as_view(), name="token-obtain"),
    path("auth/token/refresh", TokenRefreshView.as_view(), name="token-refresh"),
    path("auth/keys", ApiKeyListView.as_view(), name="api-key-list"),
    path("auth/keys/<str:key_id>", ApiKeyDetailView.as_view(), name="api-key-detail"),
]
