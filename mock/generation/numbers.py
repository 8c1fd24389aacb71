"""Numbers within bounds: minimum/maximum, both forms of exclusive bounds, multipleOf, formats.

Bounds are collected from every merged part (`allOf`) and intersected. OpenAPI 3.0 and Swagger
2.0 spell an exclusive bound as a boolean beside `minimum`/`maximum` (JSON Schema draft 4);
OpenAPI 3.1 spells it as a number of its own (draft 2020-12). `multipleOf` is handled with exact
fractions so that 0.1 * 3 is sent as 0.3, which the validator accepts.
"""

from __future__ import annotations

import math
from fractions import Fraction
from random import Random
from typing import Any, TypeGuard

from accord.mock.generation.errors import GenerationError
from accord.mock.generation.strings import randint

SPAN = 1000  # how far past a single bound an unbounded side reaches
_INT_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1),
                "uint32": (0, 2**32 - 1), "uint64": (0, 2**64 - 1), "int8": (-128, 127),
                "uint8": (0, 255), "int16": (-(2**15), 2**15 - 1)}


def _number(value: Any) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class Bounds:
    """The intersection of the numeric bounds of several schemas."""

    __slots__ = ("high", "high_open", "integer", "low", "low_open", "multiples")

    def __init__(self, integer: bool) -> None:
        self.low: float | None = None
        self.low_open = False
        self.high: float | None = None
        self.high_open = False
        self.multiples: list[Fraction] = []
        self.integer = integer

    def add(self, part: dict[str, Any], version: str) -> None:
        minimum, maximum = part.get("minimum"), part.get("maximum")
        ex_min, ex_max = part.get("exclusiveMinimum"), part.get("exclusiveMaximum")
        if _number(minimum):
            self._raise_low(minimum, version != "3.1" and ex_min is True)
        if _number(maximum):
            self._lower_high(maximum, version != "3.1" and ex_max is True)
        if _number(ex_min):
            self._raise_low(ex_min, True)
        if _number(ex_max):
            self._lower_high(ex_max, True)
        multiple = part.get("multipleOf")
        if _number(multiple) and multiple > 0:
            self.multiples.append(Fraction(str(multiple)))
        limits = _INT_FORMATS.get(part.get("format", "")) if self.integer else None
        if limits is not None:
            self._raise_low(limits[0], False)
            self._lower_high(limits[1], False)

    def _raise_low(self, value: float, open_: bool) -> None:
        if self.low is None or value > self.low or (value == self.low and open_):
            self.low, self.low_open = value, open_

    def _lower_high(self, value: float, open_: bool) -> None:
        if self.high is None or value < self.high or (value == self.high and open_):
            self.high, self.high_open = value, open_


class NumberNode:
    """Generates integers or decimals satisfying one `Bounds`."""

    __slots__ = (
        "decimals",
        "high",
        "high_open",
        "integer",
        "k_high",
        "k_low",
        "low",
        "low_open",
        "step",
        "where",
        "whole_step",
    )

    def __init__(self, bounds: Bounds, where: str) -> None:
        self.integer = bounds.integer
        self.where = where
        low, high = _realistic_range(bounds)
        self.step: Fraction | None = None
        self.k_low = self.k_high = 0
        self.decimals = 2
        if bounds.multiples or bounds.integer:
            step = _lcm([*bounds.multiples, *([Fraction(1)] if bounds.integer else [])])
            self.step = step
            k_low = math.ceil(Fraction(low) / step) if low is not None else 0
            k_high = math.floor(Fraction(high) / step) if high is not None else k_low
            if bounds.low_open and k_low * step == bounds.low:
                k_low += 1
            if bounds.high_open and k_high * step == bounds.high:
                k_high -= 1
            self.k_low, self.k_high = k_low, k_high
        else:
            span = high - low
            if span > 0:
                self.decimals = max(2, 2 - math.floor(math.log10(span)))
        self.low: float | None = low
        self.high = high
        if self.step is None and (high < low or (high == low and (bounds.low_open or bounds.high_open))):
            self.low = None  # marks the range empty
        if self.step is not None and self.k_high < self.k_low:
            self.low = None
        self.low_open, self.high_open = bounds.low_open, bounds.high_open
        # integers (and whole multiples) skip Fraction arithmetic on the hot path
        self.whole_step = int(self.step) if self.step is not None and self.step.denominator == 1 else None

    def gen(self, rng: Random, depth: int) -> int | float:
        if self.low is None:
            raise GenerationError("no number satisfies minimum/maximum/multipleOf together", self.where)
        if self.whole_step is not None:
            return randint(rng, self.k_low, self.k_high) * self.whole_step
        if self.step is not None:
            multiple = randint(rng, self.k_low, self.k_high) * self.step
            if multiple.denominator == 1 and (self.integer or self.step.denominator == 1):
                return int(multiple)
            return float(multiple)
        low, high = self.low, self.high
        value = round(rng.uniform(low, high), self.decimals)
        if value < low or value > high or (self.low_open and value == low) or (self.high_open and value == high):
            value = (low + high) / 2
        return float(value)

    def cost(self, stack: set[int]) -> int:
        return 1


def _realistic_range(bounds: Bounds) -> tuple[float, float]:
    """Bounds with sensible stand-ins for a missing side (counts are mostly small and positive)."""
    low, high = bounds.low, bounds.high
    if low is None and high is None:
        return 0, SPAN
    if low is None:
        assert high is not None
        return (0 if high > 0 else high - SPAN), high
    if high is None:
        return low, low + SPAN
    if high - low > 10 * SPAN:  # e.g. int64: stay near zero, or near the bound that matters
        if low <= 0 <= high:
            return 0, 10 * SPAN
        return (low, low + 10 * SPAN) if low > 0 else (high - 10 * SPAN, high)
    return low, high


def _lcm(values: list[Fraction]) -> Fraction:
    result = values[0]
    for value in values[1:]:
        numerator = math.lcm(result.numerator, value.numerator)
        denominator = math.gcd(result.denominator, value.denominator)
        result = Fraction(numerator, denominator)
    return result
