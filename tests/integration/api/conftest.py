import pytest
from rest_framework.test import APIClient

from ceutrack.api.tokens import create_token
from tests.factories import UserFactory


class TokenClient(APIClient):
    """An API client that sends one personal access token, like a script would."""

    def __init__(self, secret: str, **kwargs):
        super().__init__(**kwargs)
        self.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def coder(db):
    return UserFactory(time_zone="UTC")


@pytest.fixture
def api(coder):
    """A read-write token client for `coder`."""
    _, secret = create_token(user=coder, name="tests", scope="write")
    return TokenClient(secret)


def api_as(user, scope="write"):
    _, secret = create_token(user=user, name="tests", scope=scope)
    return TokenClient(secret)
