"""One error shape for every API answer: `{"detail": "..."}`, plus `"errors"` (field name ->
messages, `non_field_errors` for the whole request) on a 400."""

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD = "non_field_errors"


class FormInvalid(exceptions.ValidationError):
    """A Django form's errors as an API 400 (the pages' forms validate API input too)."""

    def __init__(self, form: forms.BaseForm) -> None:
        super().__init__(form_errors(form))


def form_errors(form: forms.BaseForm) -> dict[str, list[str]]:
    return {
        (NON_FIELD if name == NON_FIELD_ERRORS else name): [str(m) for m in messages]
        for name, messages in form.errors.items()
    }


def invalid(field: str, message: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({field: [message]})


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = response.data
        if not isinstance(detail, dict):
            detail = {NON_FIELD: detail if isinstance(detail, list) else [detail]}
        response.data = {"detail": "The request has invalid fields.", "errors": detail}
    elif isinstance(exc, exceptions.NotFound):
        response.data = {"detail": "Not found."}
    return response


class ObjectJSONParser(JSONParser):
    """JSON bodies must be objects: a list or a bare value is a 400, not a crash later."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise exceptions.ParseError("Send a JSON object.")
        return data
