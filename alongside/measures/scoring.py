"""Instruments and their scoring: pure (no Django), used by forms, services, queries and the demo.

An instrument version is a `Definition`: its items (code, exact wording, response options) and
how it is scored. Answers are a mapping of item code -> option value, where `None` means the
person chose "Prefer not to say" (and an absent code means the item was not answered at all).
Both count as missing: they are left out item by item and never treated as zero.

Item kinds:

- `score`: a number on the item's scale. Reported on its own when `reported` (ONS4 items,
  Relationship Check items), optionally banded (`bands`).
- `category`: a category (the ONS direct loneliness question): reported as its label, never scored.

A definition may have a `total`: the sum of some items (UCLA three-item loneliness scale, 3-9).
When any of those items is missing there is no total (ONS guidance), never a partial sum.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SCORE = "score"
CATEGORY = "category"
KINDS = (SCORE, CATEGORY)
SEPARATE = "separate"
SUM = "sum"

Answers = Mapping[str, int | None]


@dataclass(frozen=True, slots=True)
class Option:
    value: int | None
    """None: "Prefer not to say" (a choice, but counted as missing)."""
    label: str


@dataclass(frozen=True, slots=True)
class Band:
    low: int
    high: int
    label: str

    def holds(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True, slots=True)
class Item:
    code: str
    text: str
    """The exact wording shown to the person."""
    label: str
    """A short name for reports, e.g. "Life satisfaction"."""
    options: tuple[Option, ...]
    kind: str = SCORE
    bands: tuple[Band, ...] = ()
    reported: bool = True
    """Reported on its own (False for items that only feed a total)."""

    @property
    def values(self) -> frozenset[int | None]:
        return frozenset(option.value for option in self.options)

    def label_for(self, value: int | None) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        raise KeyError(value)

    def band(self, value: float | None) -> str | None:
        return band_of(self.bands, value)


@dataclass(frozen=True, slots=True)
class Total:
    items: tuple[str, ...]
    label: str
    bands: tuple[Band, ...] = ()
    higher_is: str = ""
    """Plain words for what a higher total means, e.g. "lonelier"."""


@dataclass(frozen=True, slots=True)
class Definition:
    items: tuple[Item, ...]
    scoring: str = SEPARATE
    total: Total | None = None
    intro: str = ""
    agree_from: int | None = None
    """Agreement scales: values at or above this count as "agreeing"."""

    def item(self, code: str) -> Item:
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)

    def measures(self) -> list[tuple[str, str]]:
        """The numeric measures this definition reports, as (key, label)."""
        found = [(i.code, i.label) for i in self.items if i.kind == SCORE and i.reported]
        if self.total is not None:
            found.append(("total", self.total.label))
        return found


def band_of(bands: Sequence[Band], value: float | None) -> str | None:
    if value is None:
        return None
    for band in bands:
        if band.holds(value):
            return band.label
    return None


# Scoring one response ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemResult:
    code: str
    label: str
    value: int | None
    answer: str
    """The option's words, or "No answer" / the option label for "Prefer not to say"."""
    band: str | None


@dataclass(frozen=True, slots=True)
class Scored:
    items: tuple[ItemResult, ...]
    total: int | None
    total_band: str | None

    def measures(self, definition: Definition) -> dict[str, float]:
        """Numeric measures present in this response (missing ones are absent, never 0)."""
        found: dict[str, float] = {}
        for result in self.items:
            item = definition.item(result.code)
            if item.kind == SCORE and item.reported and result.value is not None:
                found[result.code] = float(result.value)
        if self.total is not None:
            found["total"] = float(self.total)
        return found


NO_ANSWER = "No answer"


def validate(definition: Definition, answers: Mapping[str, Any]) -> dict[str, str]:
    """Problems by item code: every item needs one of its own options (None is "Prefer not to say")."""
    problems: dict[str, str] = {}
    for item in definition.items:
        if item.code not in answers:
            problems[item.code] = f"Choose an answer to “{item.text}”, or “Prefer not to say”."
        elif answers[item.code] not in item.values or isinstance(answers[item.code], bool):
            problems[item.code] = f"Choose one of the answers shown for “{item.text}”."
    unknown = set(answers) - set(definition.codes)
    for code in sorted(unknown):
        problems[code] = "This question is not part of the questionnaire."
    return problems


def score(definition: Definition, answers: Answers) -> Scored:
    """Score one response by the definition's rules. Missing answers stay missing."""
    results = []
    for item in definition.items:
        value = answers.get(item.code)
        if value is not None and value not in item.values:
            raise ValueError(f"{item.code}: {value!r} is not on the scale")
        words = NO_ANSWER if item.code not in answers else item.label_for(value)
        band = item.band(value) if item.kind == SCORE else None
        results.append(ItemResult(item.code, item.label, value, words, band))
    total = None
    total_band = None
    if definition.total is not None:
        parts = [answers.get(code) for code in definition.total.items]
        if all(part is not None for part in parts):
            total = sum(part for part in parts if part is not None)
            total_band = band_of(definition.total.bands, total)
    return Scored(tuple(results), total, total_band)


# Summaries across responses (agreement scales) ---------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemSummary:
    code: str
    label: str
    n: int
    """Answers on the scale (prefer not to say and missing left out)."""
    mean: float | None
    agreeing: int
    """How many answered at or above `agree_from`."""

    @property
    def share_agreeing(self) -> float | None:
        return self.agreeing / self.n if self.n else None


def summarise(definition: Definition, responses: Iterable[Answers]) -> list[ItemSummary]:
    """Per reported item: n, mean and how many agree. Missing answers are left out per item."""
    answers = list(responses)
    summaries = []
    for item in definition.items:
        if item.kind != SCORE or not item.reported:
            continue
        values = [a[item.code] for a in answers if a.get(item.code) is not None]
        numbers = [float(v) for v in values if v is not None]
        mean = math.fsum(numbers) / len(numbers) if numbers else None
        agree_from = definition.agree_from
        agreeing = sum(1 for v in numbers if agree_from is not None and v >= agree_from)
        summaries.append(ItemSummary(item.code, item.label, len(numbers), mean, agreeing))
    return summaries


# JSON (how versions are stored) -------------------------------------------------------------


def to_json(definition: Definition) -> dict[str, Any]:
    def bands(found: Sequence[Band]) -> list[list[Any]]:
        return [[b.low, b.high, b.label] for b in found]

    data: dict[str, Any] = {
        "scoring": definition.scoring,
        "intro": definition.intro,
        "agree_from": definition.agree_from,
        "items": [
            {
                "code": i.code,
                "text": i.text,
                "label": i.label,
                "kind": i.kind,
                "reported": i.reported,
                "options": [[o.value, o.label] for o in i.options],
                "bands": bands(i.bands),
            }
            for i in definition.items
        ],
        "total": None,
    }
    if definition.total is not None:
        data["total"] = {
            "items": list(definition.total.items),
            "label": definition.total.label,
            "bands": bands(definition.total.bands),
            "higher_is": definition.total.higher_is,
        }
    return data


def from_json(data: Mapping[str, Any]) -> Definition:
    def bands(found: Iterable[Sequence[Any]]) -> tuple[Band, ...]:
        return tuple(Band(int(b[0]), int(b[1]), str(b[2])) for b in found)

    items = tuple(
        Item(
            code=str(i["code"]),
            text=str(i["text"]),
            label=str(i.get("label") or i["text"]),
            options=tuple(
                Option(None if o[0] is None else int(o[0]), str(o[1])) for o in i["options"]
            ),
            kind=str(i.get("kind", SCORE)),
            bands=bands(i.get("bands", [])),
            reported=bool(i.get("reported", True)),
        )
        for i in data["items"]
    )
    total_data = data.get("total")
    total = None
    if total_data:
        total = Total(
            items=tuple(str(code) for code in total_data["items"]),
            label=str(total_data["label"]),
            bands=bands(total_data.get("bands", [])),
            higher_is=str(total_data.get("higher_is", "")),
        )
    agree_from = data.get("agree_from")
    return Definition(
        items=items,
        scoring=str(data.get("scoring", SEPARATE)),
        total=total,
        intro=str(data.get("intro", "")),
        agree_from=None if agree_from is None else int(agree_from),
    )


__all__ = [
    "CATEGORY",
    "KINDS",
    "SCORE",
    "SEPARATE",
    "SUM",
    "Band",
    "Definition",
    "Item",
    "ItemResult",
    "ItemSummary",
    "Option",
    "Scored",
    "Total",
    "band_of",
    "from_json",
    "score",
    "summarise",
    "to_json",
    "validate",
]
