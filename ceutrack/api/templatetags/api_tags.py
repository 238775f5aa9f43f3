from typing import Any

from django import template

from ceutrack.api.forms import ApiTokenForm
from ceutrack.api.models import ApiToken

register = template.Library()


@register.inclusion_tag("api/_token_section.html", takes_context=True)
def api_tokens(context: Any) -> dict[str, Any]:
    """The profile page's personal access tokens: the list and the form to create one."""
    user = context["request"].user
    return {
        "tokens": list(ApiToken.objects.filter(user=user)),
        "form": ApiTokenForm(),
        "csrf_token": context.get("csrf_token"),
    }
