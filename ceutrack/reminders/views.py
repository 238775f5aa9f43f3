from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ceutrack.accounts.http import AuthenticatedHttpRequest
from ceutrack.accounts.models import User
from ceutrack.reminders.emails import read_unsubscribe_token
from ceutrack.reminders.forms import ReminderPreferencesForm
from ceutrack.reminders.models import Kind, Reminder, ReminderPreferences


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    prefs = ReminderPreferences.for_user(request.user)
    form = ReminderPreferencesForm(request.POST or None, instance=prefs)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your reminder preferences are saved.")
        return redirect("reminders:preferences")
    return render(request, "reminders/preferences.html", {"form": form})


@login_required
def log(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = Reminder.objects.filter(user=request.user).order_by("-planned_on", "-id")
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "reminders/log.html", {"page": page})


# Mail clients send the RFC 8058 one-click POST without a session or CSRF token; the signed
# token in the URL is what authorises it.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user_id, kind = read_unsubscribe_token(token)
        user = User.objects.get(pk=user_id)
        label = Kind(kind).label
    except (signing.BadSignature, User.DoesNotExist, ValueError):
        return render(request, "reminders/unsubscribe_invalid.html", status=400)
    context = {"kind": kind, "label": label, "email": user.email}
    if request.method == "POST":
        ReminderPreferences.for_user(user).turn_off(kind)
        return render(request, "reminders/unsubscribe_done.html", context)
    return render(request, "reminders/unsubscribe_confirm.html", context)
