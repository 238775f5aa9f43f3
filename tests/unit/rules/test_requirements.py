"""Required units, topic minimums, pro-rating and credentials of a cycle (sections 1, 2)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ceutrack.rules import DEFAULT_CATALOG, Catalog
from ceutrack.rules.catalog import AAPC_RULES, AHIMA_RULES, BodyRules
from ceutrack.rules.requirements import ceil_to_half, prorate, required_units

from .builders import ahima, body, cred, person, run


def _types(*codes: str):
    found = [DEFAULT_CATALOG.credential(c) for c in codes]
    assert all(found)
    return found


@pytest.mark.parametrize(
    ("codes", "units"),
    [
        (("CPC",), 36),
        (("CPC", "CCC"), 40),
        (("CPC", "CCC", "CRC"), 44),
        (("CPC", "CCC", "CRC", "CPB"), 48),
        (("CPC", "CCC", "CRC", "CPB", "CIC"), 52),
        (("CPC", "CCC", "CRC", "CPB", "CIC", "COC"), 52),  # capped
        (("CPC-A", "CPC"), 36),  # an apprentice credential and its base count once
        (("CPC-A", "COC"), 40),
        (("CIRCC",), 36),
    ],
)
def test_it_pools_aapc_units_at_36_plus_4_per_extra_credential_capped_at_52(codes, units):
    assert required_units(_types(*codes), AAPC_RULES) == units


@pytest.mark.parametrize(
    ("codes", "units"),
    [
        (("RHIT",), 20),
        (("CCA",), 20),
        (("RHIA",), 30),
        (("CPHI",), 30),
        (("CCS", "CCS-P"), 30),
        (("RHIA", "CCS", "CCS-P"), 50),
        (("RHIT", "RHIA"), 30),  # RHIA supersedes RHIT
        (("RHIT", "CCA"), 30),
        (("RHIA", "CDIP", "CHDA", "CHPS"), 50),  # 60 capped at 50
    ],
)
def test_it_sizes_ahima_units_from_the_largest_base_plus_10_per_extra_capped_at_50(codes, units):
    assert required_units(_types(*codes), AHIMA_RULES) == units


@pytest.mark.parametrize(
    ("value", "rounded"),
    [("0", "0"), ("0.1", "0.5"), ("0.5", "0.5"), ("0.51", "1"), ("10.5", "10.5"), ("11.67", "12")],
)
def test_it_rounds_up_to_the_next_half_unit(value, rounded):
    assert ceil_to_half(Decimal(value)) == Decimal(rounded)


@pytest.mark.parametrize(
    ("full", "months", "share"),
    [
        (36, 1, "1.5"),
        (36, 5, "7.5"),
        (36, 7, "10.5"),
        (36, 13, "19.5"),
        (36, 23, "34.5"),
        (36, 24, "36"),
        (40, 7, "12"),
        (16, 7, "5"),
        (8, 7, "2.5"),
        (8, 1, "0.5"),
    ],
)
def test_it_pro_rates_a_first_cycle_by_covered_months(full, months, share):
    assert prorate(Decimal(full), months, 24) == Decimal(share)


def test_it_pro_rates_the_first_aapc_cycle_and_its_topic_minimums():
    p = person(cred("CPC", "2024-06-15"), cred("CCC", "2024-06-15"), month=1)

    current = body(run(p, "2024-07-01"), "AAPC").current

    assert current is not None
    assert current.required == 12  # 40 * 7 / 24 = 11.67 -> 12
    assert [(t.topic, t.required) for t in current.topics] == [("cardiology", Decimal("2.5"))]


def test_it_counts_a_credential_earned_mid_cycle_from_the_next_cycle():
    p = person(cred("CPC", "2023-01-10"), cred("CCC", "2023-01-11"))

    result = body(run(p, "2025-03-01"), "AAPC")

    first, second = result.cycles[:2]
    assert (first.required, first.topics, first.credentials) == (36, (), ("CPC",))
    assert (second.required, second.credentials) == (40, ("CPC", "CCC"))
    assert [(t.topic, t.required) for t in second.topics] == [("cardiology", 8)]


@pytest.mark.parametrize(
    ("earned_on", "in_second_cycle"), [("2025-02-01", True), ("2025-02-02", False)]
)
def test_it_counts_a_credential_certified_on_a_cycle_start_for_that_cycle(
    earned_on, in_second_cycle
):
    p = person(cred("CPC", "2023-01-10"), cred("CRC", earned_on))

    second = body(run(p, "2025-03-01"), "AAPC").cycles[1]

    assert ("CRC" in second.credentials) is in_second_cycle
    assert second.required == (40 if in_second_cycle else 36)


def test_it_shares_one_documentation_minimum_between_cdeo_and_cdei():
    p = person(cred("CDEO", "2023-01-10"), cred("CDEI", "2023-01-10"))

    current = body(run(p, "2023-02-01"), "AAPC").current

    assert current is not None
    assert current.required == 40
    assert [(t.topic, t.required) for t in current.topics] == [("documentation", 16)]


def test_it_lists_topic_minimums_in_credential_entry_order():
    p = person(cred("CPMA", "2023-01-10"), cred("CCC", "2023-01-10"), cred("CPC", "2023-01-10"))

    current = body(run(p, "2023-02-01"), "AAPC").current

    assert current is not None
    assert [(t.topic, t.required) for t in current.topics] == [("auditing", 16), ("cardiology", 8)]


def test_it_leaves_a_superseded_rhit_out_of_the_credentials_once_rhia_is_held():
    p = person(
        cred("RHIT", "2018-09-10"),
        cred("RHIA", "2020-06-01"),
        activities=(ahima("h1", "2019-05-05", 20),),
    )

    result = body(run(p, "2021-01-01"), "AHIMA")

    assert result.cycles[0].credentials == ("RHIT",)
    assert (result.cycles[0].start.isoformat(), result.cycles[0].required) == ("2018-09-10", 20)
    assert result.credentials == ("RHIA",)
    assert result.current is not None and result.current.required == 30


def test_it_echoes_credential_codes_as_entered_and_matches_them_case_insensitively():
    p = person(cred("cpc", "2023-01-10"), cred("Ccs-p", "2023-01-10"))

    evaluation = run(p, "2023-02-01")

    assert body(evaluation, "AAPC").credentials == ("cpc",)
    assert body(evaluation, "AHIMA").credentials == ("Ccs-p",)
    assert evaluation.rejected == ()


def test_it_shows_bodies_in_catalog_order_and_only_those_held():
    ahima_only = run(person(cred("CCS", "2023-01-10")), "2023-02-01")
    both = run(person(cred("CCS", "2023-01-10"), cred("CPC", "2023-01-10")), "2023-02-01")

    assert [b.body for b in ahima_only.bodies] == ["AHIMA"]
    assert [b.body for b in both.bodies] == ["AAPC", "AHIMA"]


def test_it_takes_requirement_figures_from_the_catalog_passed_in():
    cheaper = BodyRules(
        body="AAPC",
        name="AAPC",
        extra_units=Decimal(2),
        max_units=Decimal(38),
        cycle_kind="aapc",
        prorate_first_cycle=True,
        renewal_month_carry=True,
        index_dedupe=True,
    )
    catalog = Catalog(
        credentials=DEFAULT_CATALOG.credentials, bodies=(cheaper, *DEFAULT_CATALOG.bodies[1:])
    )
    p = person(cred("CPC", "2023-01-10"), cred("CRC", "2023-01-10"), cred("CIC", "2023-01-10"))

    current = body(run(p, "2023-02-01", catalog=catalog), "AAPC").current

    assert current is not None and current.required == 38  # 36 + 2 + 2 = 40, capped at 38
