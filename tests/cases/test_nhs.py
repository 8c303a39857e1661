from __future__ import annotations

import pytest

from cases import nhs


@pytest.mark.parametrize("raw", ["9434765919", "4010232137", "943 476 5919", "943-476-5919"])
def test_valid_numbers_are_stored_as_ten_digits(raw: str) -> None:
    assert len(nhs.validate(raw)) == 10


@pytest.mark.parametrize("raw", ["9434765918", "4010232138"])
def test_a_wrong_check_digit_is_refused(raw: str) -> None:
    with pytest.raises(nhs.InvalidNhsNumber, match="not valid"):
        nhs.validate(raw)


@pytest.mark.parametrize("raw", ["0000000000", "1111111111"])
def test_one_repeated_digit_is_refused_although_it_passes_modulus_11(raw: str) -> None:
    assert nhs.check_digit(raw[:9]) == int(raw[9])
    with pytest.raises(nhs.InvalidNhsNumber, match="repeated"):
        nhs.validate(raw)


@pytest.mark.parametrize("raw", ["943476591", "94347659190", "", "94347x5919"])
def test_wrong_lengths_and_letters_are_refused(raw: str) -> None:
    with pytest.raises(nhs.InvalidNhsNumber):
        nhs.validate(raw)


def test_the_worked_example_of_the_data_dictionary() -> None:
    assert sum(int(d) * w for d, w in zip("943476591", range(10, 1, -1), strict=True)) == 299
    assert nhs.check_digit("943476591") == 9


def test_a_remainder_giving_ten_means_never_issued() -> None:
    # Find a nine-digit prefix whose check digit would be 10.
    prefix = next(f"{n:09d}" for n in range(100000000, 100001000) if nhs.check_digit(f"{n:09d}") is None)
    with pytest.raises(nhs.InvalidNhsNumber):
        nhs.validate(prefix + "0")


def test_display_in_three_groups() -> None:
    assert nhs.display("9434765919") == "943 476 5919"
