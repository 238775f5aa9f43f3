"""The credential catalog in the database: seeded from the engine's data, editable, loaded
back into the engine's Catalog."""

import importlib
from dataclasses import fields
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError

from ceutrack import rules
from ceutrack.credentials.catalog import load_catalog
from ceutrack.credentials.models import Body, BodyRule, CredentialType
from ceutrack.rules import AAPC, AHIMA, DEFAULT_CATALOG
from tests.shared_rows import seed_catalog_if_flushed

pytestmark = pytest.mark.django_db

seed_migration = importlib.import_module("ceutrack.credentials.migrations.0003_seed_catalog")
labels_migration = importlib.import_module("ceutrack.credentials.migrations.0004_topic_labels")


def test_it_seeds_one_row_per_catalog_credential_with_the_engines_numbers():
    assert CredentialType.objects.count() == len(DEFAULT_CATALOG.credentials)
    rows = {row.code: row for row in CredentialType.objects.all()}
    for credential in DEFAULT_CATALOG.credentials:
        row = rows[credential.code]
        assert (row.name, row.body, row.base_units, row.self_review) == (
            credential.name,
            credential.body,
            credential.base_units,
            credential.self_review,
        )
        assert row.topic == (credential.topic or "")
        assert row.topic_minimum == credential.topic_minimum
        assert row.apprentice_of == (credential.apprentice_of or "")
        assert row.supersedes == (credential.supersedes or "")


def test_it_seeds_the_figures_the_rules_give():
    cpma = CredentialType.objects.get(code="CPMA")
    cardiology = CredentialType.objects.get(code="CCC")
    rhia = CredentialType.objects.get(code="RHIA")
    assert (cpma.base_units, cpma.topic, cpma.topic_minimum) == (36, "auditing", 16)
    assert (cardiology.topic, cardiology.topic_minimum) == ("cardiology", 8)
    assert (rhia.body, rhia.base_units, rhia.supersedes) == (AHIMA, 30, "RHIT")
    assert CredentialType.objects.get(code="CPC-A").apprentice_of == "CPC"
    assert not CredentialType.objects.filter(code="CPC-H").exists()


def test_it_seeds_each_bodys_rules():
    assert BodyRule.objects.count() == len(DEFAULT_CATALOG.bodies)
    aapc = BodyRule.objects.get(body=AAPC)
    ahima = BodyRule.objects.get(body=AHIMA)
    assert (aapc.extra_units, aapc.max_units, aapc.cycle_kind) == (4, 52, "aapc")
    assert aapc.prorate_first_cycle and aapc.renewal_month_carry and aapc.index_dedupe
    assert (ahima.extra_units, ahima.max_units, ahima.cycle_kind) == (10, 50, "ahima")
    assert (ahima.domain_share, ahima.sourced_share) == (Decimal("0.80"), Decimal("0.40"))
    assert (ahima.self_review_count, str(ahima.self_review_until)) == (2, "2020-12-31")


def test_running_the_seed_again_adds_nothing_and_restores_the_engines_values():
    CredentialType.objects.filter(code="CPC").update(base_units=40)

    seed_migration.seed_catalog(django_apps, None)

    assert CredentialType.objects.count() == len(DEFAULT_CATALOG.credentials)
    assert BodyRule.objects.count() == len(DEFAULT_CATALOG.bodies)
    assert CredentialType.objects.get(code="CPC").base_units == 36


def _catalog_rows() -> list[dict]:
    return [
        {**row, "id": None}
        for model in (BodyRule, CredentialType)
        for row in model.objects.order_by("id").values()
    ]


def test_the_suites_reseeding_after_a_flush_writes_the_rows_the_migrations_write():
    CredentialType.objects.all().delete()
    BodyRule.objects.all().delete()
    seed_migration.seed_catalog(django_apps, None)
    labels_migration.fill_topic_labels(django_apps, None)
    migrated = _catalog_rows()
    CredentialType.objects.all().delete()
    BodyRule.objects.all().delete()

    seed_catalog_if_flushed()

    assert _catalog_rows() == migrated
    assert load_catalog() == DEFAULT_CATALOG


def test_the_loaded_catalog_equals_the_engines_default_catalog():
    assert load_catalog() == DEFAULT_CATALOG


@pytest.mark.parametrize(
    ("engine_class", "model"),
    [(rules.CredentialType, CredentialType), (rules.BodyRules, BodyRule)],
)
def test_every_field_of_the_engines_catalog_has_a_column(engine_class, model):
    # A field added to the engine's catalog must be stored, or the admin could not edit it.
    columns = {f.name for f in model._meta.get_fields()}

    assert {f.name for f in fields(engine_class)} <= columns


def test_it_loads_the_catalog_in_two_queries(django_assert_num_queries):
    with django_assert_num_queries(2):
        load_catalog()


def test_the_loaded_catalog_reflects_an_edited_row():
    CredentialType.objects.filter(code="CCC").update(topic_minimum=10, name="Cardiology Coder")
    BodyRule.objects.filter(body=AHIMA).update(sourced_share=None)

    catalog = load_catalog()

    cardiology = catalog.credential("CCC")
    assert cardiology is not None
    assert (cardiology.topic_minimum, cardiology.name) == (10, "Cardiology Coder")
    ahima = catalog.body_rules(AHIMA)
    assert ahima is not None
    assert ahima.sourced_share is None


def test_the_loaded_catalog_uses_none_where_a_text_field_is_blank():
    cpc = load_catalog().credential("CPC")
    assert cpc is not None
    assert (cpc.topic, cpc.apprentice_of, cpc.supersedes) == (None, None, None)


def test_the_loaded_catalog_writes_units_without_trailing_zeros():
    cpc = load_catalog().credential("CPC")
    assert cpc is not None
    assert str(cpc.base_units) == "36"


def test_it_offers_only_active_credential_types_by_body_then_code():
    CredentialType.objects.filter(code="CIC").update(is_active=False)

    offered = list(CredentialType.objects.offered().values_list("body", "code"))

    assert ("AAPC", "CIC") not in offered
    assert offered == sorted(offered)
    assert offered[0][0] == Body.AAPC
    assert offered[-1][0] == Body.AHIMA
    assert len(offered) == len(DEFAULT_CATALOG.credentials) - 1


def test_an_inactive_credential_type_still_counts_for_people_who_hold_it():
    CredentialType.objects.filter(code="CIC").update(is_active=False)

    assert load_catalog().credential("CIC") is not None


def _new_type(**fields: object) -> CredentialType:
    values: dict[str, object] = {
        "code": "cxyz",
        "name": "Certified Example Coder",
        "body": Body.AAPC,
        "base_units": Decimal(36),
    }
    values.update(fields)
    return CredentialType(**values)


def test_cleaning_a_credential_type_upper_cases_its_codes():
    credential_type = _new_type(apprentice_of=" cpc ")

    credential_type.full_clean()

    assert (credential_type.code, credential_type.apprentice_of) == ("CXYZ", "CPC")


def test_a_topic_without_its_minimum_is_refused():
    with pytest.raises(ValidationError) as caught:
        _new_type(topic="radiology").full_clean()
    assert "topic_minimum" in caught.value.message_dict


def test_an_apprentice_of_an_unknown_code_is_refused():
    with pytest.raises(ValidationError) as caught:
        _new_type(apprentice_of="NOPE").full_clean()
    assert caught.value.message_dict["apprentice_of"] == ["No AAPC credential has the code NOPE."]


def test_superseding_a_credential_of_another_body_is_refused():
    with pytest.raises(ValidationError) as caught:
        _new_type(supersedes="RHIT").full_clean()
    assert "supersedes" in caught.value.message_dict


def test_a_credential_type_cannot_supersede_itself():
    with pytest.raises(ValidationError) as caught:
        _new_type(code="CXYZ", supersedes="cxyz").full_clean()
    assert caught.value.message_dict["supersedes"] == ["A credential cannot refer to itself."]
