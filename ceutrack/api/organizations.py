"""Organizations through the API: read-only compliance for managers and invitations for
admins, under exactly the pages' rules (every decision is ceutrack.organizations.access)."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.exceptions import Throttled
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from ceutrack.activities.evaluation import evaluate_person
from ceutrack.api import serializers as s
from ceutrack.api.authentication import signed_in
from ceutrack.api.errors import FormInvalid
from ceutrack.api.views import as_of
from ceutrack.organizations import access, ratelimit, services
from ceutrack.organizations.forms import DashboardFilterForm, InviteForm
from ceutrack.organizations.models import (
    VIEW_ROLES,
    Invitation,
    InvitationStatus,
    Membership,
    Organization,
    Role,
    SummaryStatus,
)
from ceutrack.organizations.staff_list import ROW_COLUMNS, filter_staff, staff_and_counts
from ceutrack.rules import to_json


class StaffPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


@extend_schema(
    responses=s.OrganizationSerializer(many=True),
    summary="Organizations where you hold a role that sees compliance",
)
@api_view(["GET"])
def organization_list(request: Request) -> Response:
    memberships = (
        Membership.objects.current()
        .filter(user=signed_in(request), role__in=VIEW_ROLES)
        .select_related("organization")
        .order_by("organization__name")
    )
    return Response(s.OrganizationSerializer(memberships, many=True).data)


COMPLIANCE_FILTERS = [
    OpenApiParameter("q", str, description="Name or email contains."),
    OpenApiParameter("status", str, enum=SummaryStatus.values),
    OpenApiParameter("body", str, enum=["AAPC", "AHIMA"]),
    OpenApiParameter("credential", str, description="A credential code, e.g. CPC."),
    OpenApiParameter("team", int, description="A team id."),
    OpenApiParameter("sort", str, enum=["status", "remaining", "days_left", "name"]),
]


@extend_schema(
    parameters=COMPLIANCE_FILTERS,
    responses=inline_serializer(
        "Compliance",
        {
            "counts": s.StatusCountSerializer(many=True),
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": s.StaffRowSerializer(many=True),
        },
    ),
    summary="Staff compliance: counts per status and one row per consenting staff member",
)
@api_view(["GET"])
def compliance(request: Request, slug: str) -> Response:
    organization, _ = access.get_organization(signed_in(request), slug)
    staff, counts, updating = staff_and_counts(organization)
    form = DashboardFilterForm(request.query_params or None, organization=organization)
    if form.is_bound and not form.is_valid():
        raise FormInvalid(form)
    data = form.cleaned_data if form.is_bound else {}
    paginator = StaffPagination()
    page = paginator.paginate_queryset(filter_staff(staff, data).values(*ROW_COLUMNS), request)
    response = paginator.get_paginated_response(s.StaffRowSerializer(page, many=True).data)
    # `updating`: rows shown with their last verdict while a task recomputes them.
    response.data = {"counts": counts, "updating": updating, **response.data}
    return response


@extend_schema(
    parameters=[
        OpenApiParameter(
            "date", OpenApiTypes.DATE, description="As of this day; default: their today."
        )
    ],
    responses={200: OpenApiTypes.OBJECT},
    summary="One staff member's evaluation (the rules CLI's JSON)",
)
@api_view(["GET"])
def member_evaluation(request: Request, slug: str, membership_id: int) -> Response:
    organization, _ = access.get_organization(signed_in(request), slug)
    member = access.get_visible_member(organization, membership_id)
    return Response(to_json(evaluate_person(member.user, today=as_of(request, member.user))))


@extend_schema(
    methods=["GET"],
    parameters=[OpenApiParameter("state", str, enum=InvitationStatus.values)],
    responses=s.InvitationSerializer(many=True),
    summary="Invitations (owners and admins)",
)
@extend_schema(
    methods=["POST"],
    request=s.InviteInputSerializer,
    responses={201: s.InviteResultSerializer},
    summary="Invite people by email (same checks and hourly limits as the page)",
)
@api_view(["GET", "POST"])
def invitation_list(request: Request, slug: str) -> Response:
    organization, membership = access.get_organization(signed_in(request), slug, manage=True)
    if request.method == "POST":
        return _invite(request, organization, membership)
    listing = Invitation.objects.filter(organization=organization).select_related("team")
    state = request.query_params.get("state", "")
    now = timezone.now()
    if state == InvitationStatus.EXPIRED:
        listing = listing.filter(status__in=[InvitationStatus.EXPIRED, InvitationStatus.PENDING])
        listing = listing.exclude(status=InvitationStatus.PENDING, expires_at__gt=now)
    elif state == InvitationStatus.PENDING:
        listing = listing.filter(status=InvitationStatus.PENDING, expires_at__gt=now)
    elif state in InvitationStatus.values:
        listing = listing.filter(status=state)
    paginator = StaffPagination()
    page = paginator.paginate_queryset(listing, request)
    return paginator.get_paginated_response(s.InvitationSerializer(page, many=True).data)


def _invite(request: Request, organization: Organization, membership: Membership) -> Response:
    data = {key: request.data.get(key) for key in ("role", "team")}
    data = {k: v for k, v in data.items() if v is not None}
    # A JSON list, a repeated form field or one string of addresses.
    emails = request.data.getlist("emails") if hasattr(request.data, "getlist") else None
    emails = emails or request.data.get("emails")
    if emails is not None:
        data["emails"] = ",".join(map(str, emails)) if isinstance(emails, list) else emails
    data.setdefault("role", Role.MEMBER)
    form = InviteForm(
        data, organization=organization, can_grant_admin=membership.role == Role.OWNER
    )
    if not form.is_valid():
        raise FormInvalid(form)
    refusal = ratelimit.reserve_invitations(
        organization_id=organization.pk,
        inviter_id=signed_in(request).pk,
        count=len(form.cleaned_data["emails"]),
    )
    if refusal is not None:
        now = timezone.now()
        raise Throttled(wait=3600 - now.minute * 60 - now.second, detail=refusal)
    result = services.invite_people(
        organization=organization,
        emails_to_invite=form.cleaned_data["emails"],
        role=form.cleaned_data["role"],
        team=form.cleaned_data["team"],
        invited_by=signed_in(request),
    )
    body = {
        "sent": result.sent,
        "already_members": result.already_members,
        "already_invited": result.already_invited,
        "invalid": form.invalid,
        "duplicates": form.duplicates,
    }
    return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(methods=["GET"], responses=s.InvitationSerializer, summary="One invitation")
@extend_schema(
    methods=["DELETE"],
    responses={204: None},
    summary="Revoke a pending invitation (its link stops working)",
)
@api_view(["GET", "DELETE"])
def invitation_detail(request: Request, slug: str, invitation_id: int) -> Response:
    organization, _ = access.get_organization(signed_in(request), slug, manage=True)
    invitation = access.get_invitation(organization, invitation_id)
    if request.method == "DELETE":
        if invitation.status != InvitationStatus.PENDING:
            raise serializers.ValidationError(
                {"non_field_errors": ["Only a pending invitation can be revoked."]}
            )
        services.revoke_invitation(invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)
    return Response(s.InvitationSerializer(invitation).data)
