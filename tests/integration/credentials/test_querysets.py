"""QuerySet helpers of the credentials app that forms, views and the adapter share."""

from datetime import date

import pytest

from ceutrack.credentials.models import Credential, OfficialCycle
from tests.factories import CredentialFactory, OfficialCycleFactory, UserFactory, credential_type

pytestmark = pytest.mark.django_db


def test_a_persons_credentials_come_by_certification_date_then_entry(
    django_assert_num_queries,
):
    coder = UserFactory(password=None)
    for code, earned_on in [
        ("CCC", date(2024, 5, 1)),
        ("CRC", date(2023, 1, 1)),
        ("CPC", date(2023, 1, 1)),
    ]:
        CredentialFactory(user=coder, credential_type=credential_type(code), earned_on=earned_on)
    CredentialFactory(credential_type=credential_type("CPB"))

    with django_assert_num_queries(1):
        codes = [c.credential_type.code for c in Credential.objects.for_user(coder)]

    assert codes == ["CRC", "CPC", "CCC"]


def test_a_persons_official_cycles_are_theirs_only_by_body_then_start():
    coder = UserFactory(password=None)
    later = OfficialCycleFactory(user=coder, start=date(2025, 2, 1), end=date(2027, 1, 31))
    ahima = OfficialCycleFactory(
        user=coder, body="AHIMA", start=date(2020, 1, 1), end=date(2021, 12, 31)
    )
    earlier = OfficialCycleFactory(user=coder, start=date(2023, 2, 1), end=date(2025, 1, 31))
    OfficialCycleFactory(user=UserFactory(password=None))

    assert list(OfficialCycle.objects.for_user(coder)) == [earlier, later, ahima]
