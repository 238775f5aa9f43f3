"""Verification links through the API: list, create (`{"days": N}`), read and revoke."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from ceutrack.api import serializers as s
from ceutrack.api.authentication import signed_in
from ceutrack.api.errors import FormInvalid
from ceutrack.api.forms import VerificationLinkForm
from ceutrack.api.models import VerificationLink
from ceutrack.api.pages import get_link_for_user
from ceutrack.api.tokens import create_link, revoke_link


@extend_schema(
    methods=["GET"],
    responses=s.VerificationLinkSerializer(many=True),
    summary="Your verification links",
)
@extend_schema(
    methods=["POST"],
    request=s.VerificationLinkInputSerializer,
    responses={201: s.VerificationLinkSerializer},
    summary="Create a verification link (a public read-only page of your standing)",
)
@api_view(["GET", "POST"])
def link_list(request: Request) -> Response:
    if request.method == "POST":
        data = {k: request.data.get(k) for k in ("days", "label", "show_activities")}
        form = VerificationLinkForm({k: v for k, v in data.items() if v is not None})
        if not form.is_valid():
            raise FormInvalid(form)
        link = create_link(user=signed_in(request), **form.cleaned_data)
        body = s.VerificationLinkSerializer(link, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)
    links = VerificationLink.objects.filter(user=signed_in(request))
    return Response(
        s.VerificationLinkSerializer(links, many=True, context={"request": request}).data
    )


@extend_schema(methods=["GET"], responses=s.VerificationLinkSerializer, summary="One link")
@extend_schema(
    methods=["DELETE"],
    responses={204: None},
    summary="Revoke a link: its page answers 404 at once",
)
@api_view(["GET", "DELETE"])
def link_detail(request: Request, pk: int) -> Response:
    link = get_link_for_user(signed_in(request), pk)
    if request.method == "DELETE":
        revoke_link(link)
        return Response(status=status.HTTP_204_NO_CONTENT)
    return Response(s.VerificationLinkSerializer(link, context={"request": request}).data)
