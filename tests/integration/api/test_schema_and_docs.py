"""The OpenAPI schema is valid OpenAPI 3, and the interactive docs load only local files with
no inline code, so they work under the site's Content-Security-Policy."""

import pytest
import yaml
from django.urls import reverse
from openapi_spec_validator import validate

from tests.integration.security.test_csp_pages import inline_code

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_openapi_3_and_lists_every_endpoint(client):
    answer = client.get(reverse("api:schema"))

    assert answer.status_code == 200
    schema = yaml.safe_load(answer.content)
    validate(schema)
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {
        "/api/v1/me/",
        "/api/v1/me/evaluation/",
        "/api/v1/me/scenario/",
        "/api/v1/activities/",
        "/api/v1/activities/{id}/",
        "/api/v1/activities/{id}/certificate/",
        "/api/v1/verification-links/",
        "/api/v1/verification-links/{id}/",
        "/api/v1/organizations/{slug}/compliance/",
    } <= paths
    assert schema["components"]["securitySchemes"]["personalAccessToken"]["scheme"] == "bearer"


def test_the_docs_page_has_no_inline_code_and_loads_vendored_swagger_ui(client):
    answer = client.get(reverse("api:docs"))
    html = answer.content.decode()

    assert answer.status_code == 200
    assert inline_code(html) == []
    assert "script-src 'self'" in answer["Content-Security-Policy"]
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "/api/docs/?script=" in html


def test_the_docs_start_up_script_is_a_same_origin_javascript_file(client):
    answer = client.get(reverse("api:docs") + "?script=")

    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in answer.content.decode()
