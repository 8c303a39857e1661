"""Small-number suppression: [c] under 5, nearest 5 otherwise, percentages suppressed with their parts; exact inside."""

from __future__ import annotations

import pytest

from assurance.metrics import present
from assurance.metrics.registry import Figure

C = {"value": None, "suppressed": True, "display": "[c]"}


@pytest.mark.parametrize(
    ("value", "shown"), [(0, None), (1, None), (4, None), (5, 5), (7, 5), (8, 10), (12, 10), (13, 15), (1234, 1235)]
)
def test_counts_under_five_are_suppressed_and_the_rest_rounded_to_the_nearest_five(
    value: int, shown: int | None
) -> None:
    out = present.count(value, exact=False)
    if shown is None:
        assert out == C
    else:
        assert out == {"value": shown, "suppressed": False, "display": f"{shown:,}"}


def test_the_providers_leads_see_exact_counts() -> None:
    assert present.count(3, exact=True) == {"value": 3, "suppressed": False, "display": "3"}


def test_a_percentage_is_suppressed_when_its_numerator_or_denominator_is() -> None:
    small_numerator = present.figure(Figure("k", "l", "percent", numerator=3, denominator=40), exact=False)
    assert {k: small_numerator[k] for k in C} == C
    assert small_numerator["numerator"] == C and small_numerator["denominator"]["value"] == 40
    small_denominator = present.figure(Figure("k", "l", "percent", numerator=4, denominator=4), exact=False)
    assert small_denominator["suppressed"] is True
    shown = present.figure(Figure("k", "l", "percent", numerator=17, denominator=20), exact=False)
    assert shown["value"] == 85.0 and shown["display"] == "85%" and shown["numerator"]["value"] == 15
    exact = present.figure(Figure("k", "l", "percent", numerator=3, denominator=4), exact=True)
    assert exact["value"] == 75.0 and exact["display"] == "75.0%"


def test_a_median_over_fewer_than_five_items_is_suppressed() -> None:
    assert present.figure(Figure("m", "l", "median", value=3.0, n=4, unit="days"), exact=False)["suppressed"] is True
    shown = present.figure(Figure("m", "l", "median", value=3.25, n=9, unit="days"), exact=False)
    assert shown["display"] == "3.2 days" and shown["n"]["value"] == 10


def test_an_empty_denominator_shows_no_data_rather_than_zero_per_cent() -> None:
    out = present.figure(Figure("k", "l", "percent", numerator=0, denominator=0), exact=True)
    assert out["value"] is None and out["display"] == "No data" and out["suppressed"] is False
