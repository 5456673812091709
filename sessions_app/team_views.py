"""The team API (contract v1.2): members and invitations, ownership transfer, the audit log."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.serializers import ErrorEnvelopeSerializer, NoBodySerializer, StrictCharField, StrictSerializer
from core.views import RoleView

from . import members, roles, selectors
from .audit import audit_entries_for
from .models import AuditEntry, SessionInvitation, SessionMember, SessionRole
from .serializers import SessionSerializer

E = ErrorEnvelopeSerializer
ERRORS = {400: E, 401: E, 403: E, 404: E}


class MemberUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()


class MemberSerializer(serializers.Serializer):
    user = MemberUserSerializer()
    role = serializers.ChoiceField(choices=SessionRole.choices)
    added_at = serializers.DateTimeField()


class InvitationSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=SessionRole.choices)
    invited_at = serializers.DateTimeField()
    pending = serializers.BooleanField()


class MemberAddSerializer(StrictSerializer):
    username = StrictCharField(required=False, max_length=150)
    email = StrictCharField(required=False, max_length=254)
    role = StrictCharField(max_length=32)


class MemberRoleSerializer(StrictSerializer):
    role = StrictCharField(max_length=32)


class TransferSerializer(StrictSerializer):
    username = StrictCharField(max_length=150)


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor", "action", "target_type", "target_id", "details"]

    def get_actor(self, obj: AuditEntry) -> str | None:
        return obj.actor_username or None


def _user_shape(user: Any) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.get_username(),
        "display_name": user.get_full_name() or user.get_username(),
    }


def _dt(value: Any) -> Any:
    return serializers.DateTimeField().to_representation(value)


def member_shape(user: Any, role: str, added_at: Any) -> dict[str, Any]:
    return {"user": _user_shape(user), "role": role, "added_at": _dt(added_at)}


def invitation_shape(email: str, role: str, invited_at: Any) -> dict[str, Any]:
    return {"email": email, "role": role, "invited_at": _dt(invited_at), "pending": True}


def _entry_shape(entry: members.TeamEntry) -> dict[str, Any]:
    if entry.user is not None:
        return member_shape(entry.user, entry.role, entry.at)
    return invitation_shape(entry.email or "", entry.role, entry.at)


class MembersView(RoleView):
    roles = {"GET": "organizer", "POST": "organizer"}

    @extend_schema(
        operation_id="members_list",
        responses={200: MemberSerializer(many=True), **ERRORS},
        description="The owner and the members, then the pending invitations (InvitationSerializer's shape).",
    )
    def get(self, request: Request, session_id: Any) -> Response:
        session = selectors.session_get_for(request.user, session_id)
        page: list[members.TeamEntry] | None = self.paginate_queryset(members.team_of(session))  # type: ignore[arg-type]
        return self.get_paginated_response([_entry_shape(e) for e in page or []])

    @extend_schema(
        operation_id="members_add",
        request=MemberAddSerializer,
        responses={201: MemberSerializer, 409: E, **ERRORS},
        description="201 with a member, or with a pending invitation when no organizer has the email yet.",
    )
    def post(self, request: Request, session_id: Any) -> Response:
        session = selectors.session_get_for(request.user, session_id, right="members")
        data = MemberAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        added = members.member_add(
            session=session,
            role=values["role"],
            username=values.get("username"),
            email=values.get("email"),
            actor=request.user,
        )
        if isinstance(added, SessionInvitation):
            body = invitation_shape(added.email, added.role, added.invited_at)
        else:
            body = member_shape(added.user, added.role, added.added_at)
        return Response(body, status=status.HTTP_201_CREATED)


class MemberDetailView(RoleView):
    roles = {"PATCH": "organizer", "DELETE": "organizer"}

    @extend_schema(
        operation_id="members_set_role",
        request=MemberRoleSerializer,
        responses={200: MemberSerializer, **ERRORS},
    )
    def patch(self, request: Request, session_id: Any, user_id: int) -> Response:
        session = selectors.session_get_for(request.user, session_id, right="members")
        data = MemberRoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member: SessionMember = members.member_set_role(
            session=session, user_id=user_id, role=data.validated_data["role"], actor=request.user
        )
        return Response(member_shape(member.user, member.role, member.added_at))

    @extend_schema(operation_id="members_remove", responses={204: None, **ERRORS})
    def delete(self, request: Request, session_id: Any, user_id: int) -> Response:
        session = selectors.session_get_for(request.user, session_id)
        if request.user.pk != user_id or user_id == session.owner_id:
            # A member may always leave; anyone else's membership needs the "members" right.
            roles.require(request.user, session, "members")
        NoBodySerializer(data=request.data).is_valid(raise_exception=True)
        members.member_remove(session=session, user_id=user_id, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationDetailView(RoleView):
    roles = {"DELETE": "organizer"}

    @extend_schema(operation_id="invitations_remove", responses={204: None, **ERRORS})
    def delete(self, request: Request, session_id: Any, email: str) -> Response:
        session = selectors.session_get_for(request.user, session_id, right="members")
        NoBodySerializer(data=request.data).is_valid(raise_exception=True)
        members.invitation_delete(session=session, email=email, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TransferView(RoleView):
    roles = {"POST": "organizer"}

    @extend_schema(
        operation_id="sessions_transfer",
        request=TransferSerializer,
        responses={200: SessionSerializer, **ERRORS},
    )
    def post(self, request: Request, session_id: Any) -> Response:
        session = selectors.session_get_for(request.user, session_id, right="ownership")
        data = TransferSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        members.session_transfer(
            session=session, username=data.validated_data["username"], actor=request.user
        )
        session = selectors.session_get_for(request.user, session_id)
        return Response(SessionSerializer(session, context={"request": request}).data)


class AuditView(RoleView):
    roles = {"GET": "organizer"}

    @extend_schema(operation_id="sessions_audit", responses={200: AuditEntrySerializer(many=True), **ERRORS})
    def get(self, request: Request, session_id: Any) -> Response:
        session = selectors.session_get_for(request.user, session_id, right="members")
        page = self.paginate_queryset(audit_entries_for(session))
        return self.get_paginated_response(AuditEntrySerializer(page, many=True).data)
