"""What the activities app's API views share: the error envelope in their OpenAPI responses."""

from __future__ import annotations

from core.serializers import ErrorEnvelopeSerializer

E = ErrorEnvelopeSerializer
ERRORS = {400: E, 401: E, 404: E, 409: E}
