from allauth.account.views import ConfirmEmailView as AllauthConfirmEmailView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from ceutrack.accounts.forms import ProfileForm
from ceutrack.accounts.http import AuthenticatedHttpRequest


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile was saved.")
        return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form})


class ConfirmEmailView(AllauthConfirmEmailView):
    """allauth answers a POST with an expired or forged key with a bare 404; show the same
    "this link does not work" explanation as the GET does instead."""

    def post(self, *args: object, **kwargs: object) -> HttpResponse:
        try:
            return super().post(*args, **kwargs)
        except Http404:
            self.object = None
            return self.render_to_response(self.get_context_data())


confirm_email = ConfirmEmailView.as_view()
