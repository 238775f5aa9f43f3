import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.views import defaults

from tests.integration.accounts.helpers import verified_user

pytestmark = pytest.mark.django_db


def test_it_shows_a_friendly_404_with_the_navbar_and_a_way_home(client):
    response = client.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "We could not find that page" in html
    assert 'class="navbar' in html
    assert 'href="/"' in html


def test_it_keeps_the_signed_in_navbar_on_the_404_page(client):
    client.force_login(verified_user(full_name="Casey Coder"))

    html = client.get("/no-such-page/").content.decode()

    assert "Casey Coder" in html
    assert "Sign out" in html


def test_it_shows_a_friendly_403_with_a_way_home():
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()

    response = defaults.permission_denied(request, PermissionDenied())

    html = response.content.decode()
    assert response.status_code == 403
    assert "You are not allowed to see this page" in html
    assert 'href="/"' in html


@pytest.mark.django_db(databases=[])
def test_it_renders_the_500_page_without_a_database_or_request_context():
    # No database access is allowed in this test: the page must not need one.
    response = defaults.server_error(RequestFactory().get("/"))

    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert '<link rel="stylesheet" href="/static/vendor/bootstrap/bootstrap.min.css">' in html
    assert 'href="/">Back to the home page</a>' in html
    assert html == render_to_string("500.html")


def test_it_explains_an_expired_form_instead_of_djangos_csrf_page():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"login": "a@example.com", "password": "x"})

    html = response.content.decode()
    assert response.status_code == 403
    assert "This form has expired" in html
    assert 'href="/"' in html
