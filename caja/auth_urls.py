from __future__ import annotations

from django.urls import path
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from core.api_key_views import ApiKeyDetailView, ApiKeyListView

urlpatterns = [
    path("auth/token", TokenObtainPairView.as_view(), name="token-obtain"),
    path("auth/token/refresh", TokenRefreshView.as_view(), name="token-refresh"),
    path("auth/keys", ApiKeyListView.as_view(), name="api-key-list"),
    path("auth/keys/<str:key_id>", ApiKeyDetailView.as_view(), name="api-key-detail"),
]
