"""drf-spectacular post-processing: document the errors every API operation can answer.

The views document their domain errors; the cross-cutting ones come from middleware and DRF and
would otherwise be missing from every operation (found by the schemathesis fuzz test,
caja/tests/test_fuzz.py): 400 (malformed JSON, a bad query parameter or Content-Length), 401/403
on authenticated operations (a participant token on an organizer action is 403), 413 over the body
limit, 415 for a body that is not JSON, 503 while the database is unreachable.
"""

from __future__ import annotations

from typing import Any

ENVELOPE = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
DESCRIPTIONS = {
    "400": "VALIDATION_ERROR or MALFORMED_JSON",
    "401": "NOT_AUTHENTICATED",
    "403": "PERMISSION_DENIED",
    "413": "PAYLOAD_TOO_LARGE",
    "415": "UNSUPPORTED_MEDIA_TYPE",
    "503": "SERVICE_UNAVAILABLE (database unreachable)",
}
METHODS = {"get", "post", "put", "patch", "delete"}


def _authenticated(operation: dict[str, Any]) -> bool:
    if operation.get("operationId", "").startswith("auth_token"):
        return True  # wrong credentials or refresh token: 401
    security = operation.get("security") or []
    return bool(security) and not any(requirement == {} for requirement in security)


def add_common_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            codes = ["400", "413", "503"]
            if _authenticated(operation):
                codes += ["401", "403"]
            if "requestBody" in operation:
                codes.append("415")
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, {"content": ENVELOPE, "description": DESCRIPTIONS[code]})
            operation["responses"] = dict(sorted(responses.items()))
    return result
