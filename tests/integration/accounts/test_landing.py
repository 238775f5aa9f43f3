import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_tells_a_visitor_what_ceutrack_does_and_how_to_start(client):
    response = client.get(reverse("home"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "continuing-education record of certified medical coders" in html
    assert f'href="{reverse("account_signup")}"' in html
    assert f'href="{reverse("account_login")}"' in html
    assert 'href="#main"' in html  # the skip link
