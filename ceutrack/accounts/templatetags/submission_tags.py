"""`{% submission_token %}`: the hidden token of a create form (ceutrack.accounts.submissions)."""

from django import template
from django.utils.html import format_html

from ceutrack.accounts.submissions import TOKEN_FIELD, token_for_form

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_token(context: template.Context) -> str:
    request = context.get("request")
    if request is None:
        return ""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, token_for_form(request)
    )
