"""Synthetic personnummer / samordningsnummer in Skatteverket's test range (birth numbers 980-999)."""

from __future__ import annotations

import numpy as np

__all__ = ["luhn_digit", "identity_numbers", "capacity"]

#: Birth numbers (the three digits after the date) of Skatteverket's published test
#: personnummer: no real person has them, so a synthetic number never names anyone.
BIRTH_NUMBER_LOW = 980
BIRTH_NUMBER_HIGH = 999
COORDINATION_SHARE = 0.12   # share of born-abroad persons given a samordningsnummer (day + 60)


def luhn_digit(nine: np.ndarray) -> np.ndarray:
    """Return the Luhn check digit of each row of a (n, 9) digit array YYMMDDNNN."""
    w = np.array([2, 1, 2, 1, 2, 1, 2, 1, 2])
    prod = nine * w
    s = (prod // 10 + prod % 10).sum(axis=1)
    return (10 - s % 10) % 10


def capacity(n_years: int) -> int:
    """Distinct numbers of one gender available in ``n_years`` birth years."""
    return n_years * 365 * (BIRTH_NUMBER_HIGH - BIRTH_NUMBER_LOW + 1) // 2


def identity_numbers(rng: np.random.Generator, birth_year: np.ndarray, man: np.ndarray,
                     born_abroad: np.ndarray) -> np.ndarray:
    """Return unique 12-digit numbers ``YYYYMMDDNNNC`` (object array of str).

    The gender digit (the third birth-number digit) is odd for men and even otherwise.
    Duplicates are redrawn, so the caller must keep ``len(birth_year)`` well below the
    capacity of the birth-year range.
    """
    n = len(birth_year)
    start = birth_year.astype("int64") - 1970
    days = np.zeros(n, dtype="int64")
    nnn = np.zeros(n, dtype="int64")
    todo = np.arange(n)
    for _ in range(50):
        if len(todo) == 0:
            break
        year0 = start[todo].astype("datetime64[Y]").astype("datetime64[D]")
        year1 = (start[todo] + 1).astype("datetime64[Y]").astype("datetime64[D]")
        length = (year1 - year0).astype("int64")
        days[todo] = (year0 + (rng.random(len(todo)) * length).astype("int64")).astype("int64")
        pair = rng.integers(0, (BIRTH_NUMBER_HIGH - BIRTH_NUMBER_LOW + 1) // 2, len(todo))
        nnn[todo] = BIRTH_NUMBER_LOW + 2 * pair + man[todo].astype("int64")
        code = days * 1000 + nnn
        _, first = np.unique(code, return_index=True)
        dup = np.ones(n, dtype=bool)
        dup[first] = False
        todo = np.flatnonzero(dup)
    if len(todo):
        raise ValueError("too many persons for the synthetic identity-number range")
    date = days.astype("datetime64[D]")
    y = date.astype("datetime64[Y]").astype("int64") + 1970
    m = date.astype("datetime64[M]").astype("int64") % 12 + 1
    d = (date - date.astype("datetime64[M]")).astype("int64") + 1
    coord = born_abroad & (rng.random(n) < COORDINATION_SHARE)
    d = d + 60 * coord
    nine = np.stack([(y % 100) // 10, y % 10, m // 10, m % 10, d // 10, d % 10,
                     nnn // 100, (nnn // 10) % 10, nnn % 10], axis=1)
    check = luhn_digit(nine)
    full = y * 10**8 + m * 10**6 + d * 10**4 + nnn * 10 + check
    return full.astype(str).astype(object)
