"""NHS numbers (domain §8): Modulus 11 check, one-repeated-digit numbers refused, stored as ten digits."""

from __future__ import annotations

import re

WEIGHTS = range(10, 1, -1)  # first digit × 10 … ninth digit × 2


class InvalidNhsNumber(ValueError):
    pass


def normalise(raw: str) -> str:
    """Strip spaces and hyphens; anything else that is not a digit is an error."""
    cleaned = re.sub(r"[\s-]", "", raw or "")
    if not cleaned.isdigit():
        raise InvalidNhsNumber("Enter an NHS number using numbers only, like 943 476 5919")
    if len(cleaned) != 10:
        raise InvalidNhsNumber("An NHS number must be 10 digits")
    return cleaned


def check_digit(first_nine: str) -> int | None:
    """The expected tenth digit, or None when the number could never be issued (remainder gives 10)."""
    total = sum(int(d) * w for d, w in zip(first_nine, WEIGHTS, strict=True))
    expected = 11 - (total % 11)
    if expected == 11:
        return 0
    if expected == 10:
        return None
    return expected


def validate(raw: str) -> str:
    """Return the ten stored digits of a valid NHS number, or raise ``InvalidNhsNumber``."""
    digits = normalise(raw)
    if len(set(digits)) == 1:
        raise InvalidNhsNumber("This is not a real NHS number (it is one digit repeated)")
    expected = check_digit(digits[:9])
    if expected is None or expected != int(digits[9]):
        raise InvalidNhsNumber("This NHS number is not valid. Check it and enter it again")
    return digits


def display(digits: str) -> str:
    """Three groups separated by single spaces: ``943 476 5919``."""
    if len(digits) != 10:
        return digits
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
