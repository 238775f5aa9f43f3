"""Multipart bodies carry certificates: like the pages (ceutrack.activities.certificates.
limit_certificate_upload), the API refuses one over CERTIFICATE_MAX_BYTES before reading it
whole: at once when Content-Length already says too much, else by stopping the stream."""

from typing import Any

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import DataAndFiles, MultiPartParser

from ceutrack.activities.certificates import (
    FORM_SLACK_BYTES,
    CertificateSizeLimit,
    declared_length,
    too_large_message,
)


class UploadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class CertificateMultiPartParser(MultiPartParser):
    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: Any = None
    ) -> DataAndFiles:
        request = parser_context["request"]._request  # Django's request under DRF's
        max_bytes = settings.CERTIFICATE_MAX_BYTES
        if declared_length(request) > max_bytes + FORM_SLACK_BYTES:
            raise UploadTooLarge(too_large_message(max_bytes))
        limit = CertificateSizeLimit(request, max_bytes=max_bytes)
        request.upload_handlers = [limit, *request.upload_handlers]
        parsed = super().parse(stream, media_type, parser_context)
        if limit.exceeded:
            raise UploadTooLarge(too_large_message(max_bytes))
        return parsed
