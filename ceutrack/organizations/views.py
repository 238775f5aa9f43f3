"""Organization pages. Every object is fetched through ceutrack.organizations.access."""

from typing import cast
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ceutrack.accounts import submissions
from ceutrack.accounts.http import AuthenticatedHttpRequest
from ceutrack.activities.certificates import serve_certificate
from ceutrack.activities.evaluation import evaluate_person
from ceutrack.activities.listing import describe_rows
from ceutrack.activities.models import Activity
from ceutrack.activities.presenters import present_body
from ceutrack.credentials.catalog import load_catalog
from ceutrack.organizations import access, ratelimit, services
from ceutrack.organizations.forms import (
    ConsentForm,
    DashboardFilterForm,
    InviteForm,
    MemberTeamForm,
    NudgeForm,
    OrganizationForm,
    TeamForm,
)
from ceutrack.organizations.history import member_history_page
from ceutrack.organizations.models import (
    VIEW_ROLES,
    Invitation,
    InvitationStatus,
    Membership,
    NotPermitted,
    Organization,
    Role,
    TransitionRefused,
)
from ceutrack.organizations.staff_list import (
    ROW_COLUMNS,
    CountedPaginator,
    csv_lines,
    filter_fields,
    filter_staff,
    known_count,
    staff_and_counts,
    staff_rows,
    staff_with_fresh_summaries,
)

PAGE_SIZE = 50
RECENT_CHANGES = 5  # on a member's drill-down; the rest on their changes page


def _posted(request: HttpRequest) -> QueryDict | None:
    """Bind forms on POST even when nothing was ticked (an empty POST is falsy)."""
    return request.POST if request.method == "POST" else None


# ------------------------------------------------------------------ my organizations


@login_required
@require_GET
def organization_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    memberships = list(
        Membership.objects.current()
        .filter(user=request.user)
        .select_related("organization", "team")
        .order_by("organization__name")
    )
    context = {
        "managed": [m for m in memberships if m.role in VIEW_ROLES],
        "staff": [m for m in memberships if m.role == Role.MEMBER],
    }
    return render(request, "organizations/organization_list.html", context)


@login_required
def organization_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST" and (done := submissions.previous(request)):
        return submissions.replay(request, done, what="the organization")
    form = OrganizationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            with submissions.once(request) as submission:
                organization = services.create_organization(
                    name=form.cleaned_data["name"], owner=request.user
                )
                submission.created(reverse("organizations:invitations", args=[organization.slug]))
        except submissions.AlreadySubmitted:
            return submissions.replay(
                request, submissions.previous(request), what="the organization"
            )
        messages.success(request, f"{organization.name} was created. Invite your staff next.")
        return redirect("organizations:invitations", organization.slug)
    return render(request, "organizations/organization_form.html", {"form": form})


@login_required
@require_POST
def membership_withdraw(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    membership = access.get_own_membership(request.user, membership_id)
    try:
        services.withdraw_consent(membership, by=request.user)
    except NotPermitted as refused:
        raise Http404 from refused
    except TransitionRefused:
        pass  # not sharing already: nothing to withdraw
    else:
        messages.success(
            request, f"{membership.organization.name} can no longer see your CEU records."
        )
    return redirect("organizations:list")


@login_required
@require_POST
def membership_consent(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    membership = access.get_own_membership(request.user, membership_id)
    if membership.role != Role.MEMBER:
        raise Http404
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(form.errors["consent"][0]))
        return redirect("organizations:list")
    try:
        services.give_consent(membership, by=request.user)
    except NotPermitted as refused:
        raise Http404 from refused
    except TransitionRefused as refused:
        messages.info(request, str(refused))
    else:
        messages.success(request, f"You share your CEU records with {membership.organization}.")
    return redirect("organizations:list")


@login_required
@require_POST
def membership_leave(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    membership = access.get_own_membership(request.user, membership_id)
    name = membership.organization.name
    try:
        services.leave(membership, by=request.user)
    except NotPermitted as refused:
        raise Http404 from refused
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"You left {name}.")
    return redirect("organizations:list")


# ------------------------------------------------------------------ compliance


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization, membership = access.get_organization(request.user, slug)
    staff, counts, updating = staff_and_counts(organization)
    form = DashboardFilterForm(request.GET or None, organization=organization)
    data = form.cleaned_data if form.is_valid() else {}
    paginator = CountedPaginator(
        filter_staff(staff, data), PAGE_SIZE, count=known_count(counts, data)
    )
    page = paginator.get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        "organization": organization,
        "membership": membership,
        "counts": counts,
        "updating": updating,
        "filters": filter_fields(form),
        "page": page,
        "rows": staff_rows(
            cast(QuerySet[Membership], page.object_list).values(*ROW_COLUMNS),
            organization=organization,
        ),
        "filtered": bool({k for k in query if k != "sort"}),
        "query": urlencode(query),
        "today": timezone.localdate(),
    }
    return render(request, "organizations/dashboard.html", context)


@login_required
@require_GET
def dashboard_export(request: AuthenticatedHttpRequest, slug: str) -> StreamingHttpResponse:
    organization, _ = access.get_organization(request.user, slug)
    staff = staff_with_fresh_summaries(organization)
    form = DashboardFilterForm(request.GET or None, organization=organization)
    data = form.cleaned_data if form.is_valid() else {}
    response = StreamingHttpResponse(csv_lines(filter_staff(staff, data)), content_type="text/csv")
    filename = f"{organization.slug}-compliance-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def member_detail(request: AuthenticatedHttpRequest, slug: str, membership_id: int) -> HttpResponse:
    organization, membership = access.get_organization(request.user, slug)
    try:
        member = access.get_visible_member(organization, membership_id)
    except Http404:
        return _not_shared(request, organization)
    catalog = load_catalog()
    evaluation = evaluate_person(member.user, catalog=catalog)
    activities = Paginator(
        Activity.objects.filter(user=member.user).order_by("-completed_on", "-id"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "organization": organization,
        "membership": membership,
        "member": member,
        "person": member.user,
        "evaluation": evaluation,
        "cards": [present_body(result, catalog=catalog) for result in evaluation.bodies],
        "activities": activities,
        # Where each activity counts and why, as the coder's own list says it.
        "activity_rows": describe_rows(activities.object_list, evaluation, catalog=catalog),
        "next_nudge_at": services.next_nudge_at(member),
        "nudge_form": NudgeForm(),
        "changes": member_history_page(
            member, viewer=request.user, evaluation=evaluation, number=1, per_page=RECENT_CHANGES
        ),
    }
    return render(request, "organizations/member_detail.html", context)


def _not_shared(request: HttpRequest, organization: Organization) -> HttpResponse:
    """The 404 of a drill-down the manager cannot open: the same for a person who stopped
    sharing, left, or never was staff, so it tells no more than that sharing may have ended."""
    context = {"organization": organization}
    return render(request, "organizations/member_not_shared.html", context, status=404)


@login_required
@require_GET
def member_changes(
    request: AuthenticatedHttpRequest, slug: str, membership_id: int
) -> HttpResponse:
    organization, membership = access.get_organization(request.user, slug)
    member = access.get_visible_member(organization, membership_id)
    changes = member_history_page(
        member,
        viewer=request.user,
        evaluation=evaluate_person(member.user),
        number=request.GET.get("page"),
        per_page=PAGE_SIZE,
    )
    context = {
        "organization": organization,
        "membership": membership,
        "member": member,
        "person": member.user,
        "changes": changes,
        "since": access.history_visible_since(member),
    }
    return render(request, "organizations/member_changes.html", context)


@login_required
@require_GET
def member_certificate(
    request: AuthenticatedHttpRequest, slug: str, membership_id: int, activity_id: int
) -> HttpResponseBase:
    organization, _ = access.get_organization(request.user, slug)
    member = access.get_visible_member(organization, membership_id)
    return serve_certificate(access.get_visible_activity(member, activity_id))


@login_required
@require_POST
def member_nudge(request: AuthenticatedHttpRequest, slug: str, membership_id: int) -> HttpResponse:
    organization, _ = access.get_organization(request.user, slug)
    member = access.get_visible_member(organization, membership_id)
    form = NudgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Keep the note under 500 characters.")
    elif services.nudge(member=member, sender=request.user, message=form.cleaned_data["message"]):
        messages.success(request, f"A reminder was emailed to {member.user.display_name}.")
    else:
        messages.warning(
            request,
            f"{member.user.display_name} was already reminded recently; "
            "you can send another reminder later.",
        )
    return redirect("organizations:member_detail", organization.slug, member.pk)


# ------------------------------------------------------------------ people and invitations


@login_required
def people(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization, membership = access.get_organization(request.user, slug, manage=True)
    team_form = TeamForm(_posted(request), organization=organization)
    if request.method == "POST" and team_form.is_valid():
        team_form.instance.organization = organization
        team_form.save()
        messages.success(request, f"Team {team_form.instance.name} was added.")
        return redirect("organizations:people", organization.slug)
    memberships = (
        Membership.objects.current()
        .filter(organization=organization)
        .select_related("user", "team")
        .order_by("role", "user__full_name", "user__email")
    )
    context = {
        "organization": organization,
        "membership": membership,
        "memberships": Paginator(memberships, PAGE_SIZE).get_page(request.GET.get("page")),
        "teams": organization.teams.annotate(
            size=Count("memberships", filter=Q(memberships__left_at__isnull=True))
        ),
        "team_form": team_form,
        "team_choices": list(organization.teams.all()),
    }
    return render(request, "organizations/people.html", context)


@login_required
@require_POST
def member_team(request: AuthenticatedHttpRequest, slug: str, membership_id: int) -> HttpResponse:
    organization, _ = access.get_organization(request.user, slug, manage=True)
    target = access.get_manageable_membership(organization, membership_id)
    form = MemberTeamForm(request.POST, organization=organization)
    if form.is_valid():
        target.team = form.cleaned_data["team"]
        target.save(update_fields=["team"])
        messages.success(request, f"{target.user.display_name}'s team was updated.")
    else:
        messages.error(request, "Choose one of this organization's teams.")
    return redirect("organizations:people", organization.slug)


@login_required
@require_POST
def member_remove(request: AuthenticatedHttpRequest, slug: str, membership_id: int) -> HttpResponse:
    organization, membership = access.get_organization(request.user, slug, manage=True)
    target = access.get_manageable_membership(organization, membership_id)
    try:
        services.remove(target, by=membership)
    except NotPermitted as refused:
        raise Http404 from refused
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{target.user.display_name} was removed.")
    return redirect("organizations:people", organization.slug)


@login_required
def invitations(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization, membership = access.get_organization(request.user, slug, manage=True)
    if request.method == "POST" and (done := submissions.previous(request)):
        return submissions.replay(request, done, what="each invitation")
    form = InviteForm(
        _posted(request),
        organization=organization,
        can_grant_admin=membership.role == Role.OWNER,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        refusal = ratelimit.reserve_invitations(
            organization_id=organization.pk,
            inviter_id=request.user.pk,
            count=len(form.cleaned_data["emails"]),
        )
        if refusal is None:
            try:
                with submissions.once(request) as submission:
                    result = services.invite_people(
                        organization=organization,
                        emails_to_invite=form.cleaned_data["emails"],
                        role=form.cleaned_data["role"],
                        team=form.cleaned_data["team"],
                        invited_by=request.user,
                    )
                    submission.created(reverse("organizations:invitations", args=[slug]))
            except submissions.AlreadySubmitted:
                return submissions.replay(
                    request, submissions.previous(request), what="each invitation"
                )
            _report_invites(request, result, invalid=form.invalid, duplicates=form.duplicates)
            return redirect("organizations:invitations", organization.slug)
        form.add_error("emails", refusal)
        status = 429
    state = request.GET.get("state", "")
    listing = (
        Invitation.objects.filter(organization=organization)
        .in_state(state)
        .select_related("team", "invited_by")
    )
    context = {
        "organization": organization,
        "membership": membership,
        "form": form,
        "invitations": Paginator(listing, PAGE_SIZE).get_page(request.GET.get("page")),
        "states": InvitationStatus.choices,
        "state": state,
        "expiry_days": settings.INVITATION_EXPIRY_DAYS,
    }
    return render(request, "organizations/invitations.html", context, status=status)


def _report_invites(
    request: HttpRequest,
    result: services.InviteResult,
    *,
    invalid: list[str],
    duplicates: list[str],
) -> None:
    if result.sent:
        messages.success(
            request, f"Sent {len(result.sent)} invitation(s): {', '.join(result.sent)}."
        )
    if invalid:
        messages.error(request, f"Not valid email addresses (skipped): {', '.join(invalid)}.")
    if duplicates:
        messages.info(request, f"Listed more than once (invited once): {', '.join(duplicates)}.")
    if result.already_members:
        messages.info(request, f"Already members (skipped): {', '.join(result.already_members)}.")
    if result.already_invited:
        messages.info(
            request,
            "Already invited and still pending (use Resend below): "
            f"{', '.join(result.already_invited)}.",
        )


@login_required
@require_POST
def invitation_resend(
    request: AuthenticatedHttpRequest, slug: str, invitation_id: int
) -> HttpResponse:
    organization, _ = access.get_organization(request.user, slug, manage=True)
    invitation = access.get_invitation(organization, invitation_id)
    if invitation.status == InvitationStatus.ACCEPTED:
        messages.info(request, f"{invitation.email} has already accepted.")
    elif (
        Invitation.objects.filter(
            organization=organization, email=invitation.email, status=InvitationStatus.PENDING
        )
        .exclude(pk=invitation.pk)
        .exists()
    ):
        messages.info(request, f"{invitation.email} has a newer invitation: resend that one.")
    elif refusal := ratelimit.reserve_invitations(
        organization_id=organization.pk, inviter_id=request.user.pk, count=1
    ):
        messages.error(request, refusal)
    else:
        services.resend_invitation(invitation)
        messages.success(request, f"The invitation to {invitation.email} was sent again.")
    return redirect("organizations:invitations", organization.slug)


@login_required
@require_POST
def invitation_revoke(
    request: AuthenticatedHttpRequest, slug: str, invitation_id: int
) -> HttpResponse:
    organization, _ = access.get_organization(request.user, slug, manage=True)
    invitation = access.get_invitation(organization, invitation_id)
    if invitation.status == InvitationStatus.PENDING:
        services.revoke_invitation(invitation)
        messages.success(request, f"The invitation to {invitation.email} was revoked.")
    else:
        messages.info(request, "Only a pending invitation can be revoked.")
    return redirect("organizations:invitations", organization.slug)


# ------------------------------------------------------------------ accepting


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone holding the link may read it; only the invited address may accept."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("organization", "invited_by", "team"), token=token
    )
    state = invitation.state()
    context: dict[str, object] = {
        "invitation": invitation,
        "organization": invitation.organization,
        "state": state,
        "is_staff_invite": invitation.role == Role.MEMBER,
    }
    if state != InvitationStatus.PENDING:
        return render(request, "organizations/invitation_closed.html", context)
    user = request.user
    if not user.is_authenticated:
        # Following the emailed link proves the address: allauth then skips re-verifying it.
        get_adapter(request).stash_verified_email(request, invitation.email)
        here = request.get_full_path()
        context["signup_url"] = (
            f"{reverse('account_signup')}?{urlencode({'next': here, 'email': invitation.email})}"
        )
        context["login_url"] = f"{reverse('account_login')}?{urlencode({'next': here})}"
        return render(request, "organizations/invitation_accept.html", context)
    if not services.email_matches(user, invitation.email):
        context["wrong_account"] = True
        return render(request, "organizations/invitation_accept.html", context)
    form = ConsentForm(_posted(request)) if invitation.role == Role.MEMBER else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            consent = bool(form is not None and form.cleaned_data["consent"])
            membership = services.accept_invitation(invitation, user=user, consent=consent)
        except NotPermitted as refused:
            raise Http404 from refused
        except TransitionRefused as refused:
            messages.info(request, str(refused))
            return redirect("organizations:list")
        messages.success(request, f"You joined {invitation.organization.name}.")
        if membership.can_view:
            return redirect("organizations:dashboard", invitation.organization.slug)
        return redirect("organizations:list")
    context["form"] = form
    return render(request, "organizations/invitation_accept.html", context)
