"""Instruments and their scoring: pure (no Django), used by forms, services, queries and the demo.

An instrument version is a `Definition`: its items (code, exact wording, response options) and
how it is scored. Answers are a mapping of item code -> option value, where `None` means the
person chose "Prefer not to say" (and an absent code means the item was not answered at all).
Both count as missing: they are left out item by item and never treated as zero.

Item kinds:

- `score`: a number on the item's scale. Reported on its own when `reported` (ONS4 items,
  Relationship Check items), optionally banded (`bands`).
- `category`: a category (the ONS direct loneliness question): reported as its label, never scored.

A definition may have a `total` (its key is "total") and `subscales` (each with its own key):
each combines some items by sum (UCLA three-item loneliness scale, 3-9) or mean (to 2 decimal
places), counting a reverse-scored item as lowest + highest - answer, and may convert the raw
total through a table (raw total -> converted score). When any of its items is missing there is
no total (ONS guidance), never a partial sum.

Stored definitions from before subscales, reversal and tables (a single "total" object, items
without "reverse") read as they always did and score identically.
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
MEAN = "mean"
COMBINES = (SUM, MEAN)
TOTAL = "total"
MEAN_PLACES = 2

Answers = Mapping[str, int | None]


@dataclass(frozen=True, slots=True)
class Option:
    value: int | None
    """None: "Prefer not to say" (a choice, but counted as missing)."""
    label: str


@dataclass(frozen=True, slots=True)
class Band:
    low: float
    high: float
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
    reverse: bool = False
    """Reverse-scored in totals: lowest + highest - answer (the answer shown stays as given)."""

    @property
    def values(self) -> frozenset[int | None]:
        return frozenset(option.value for option in self.options)

    @property
    def scale(self) -> tuple[int, ...]:
        """The numbers on the item's scale, lowest first ("Prefer not to say" left out)."""
        return tuple(sorted(o.value for o in self.options if o.value is not None))

    def counted(self, value: int) -> int:
        """The value counted into a total: reversed when the item is reverse-scored."""
        if not self.reverse:
            return value
        scale = self.scale
        return scale[0] + scale[-1] - value

    def label_for(self, value: int | None) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        raise KeyError(value)

    def band(self, value: float | None) -> str | None:
        return band_of(self.bands, value)


@dataclass(frozen=True, slots=True)
class Total:
    """A total or subscale: some items combined by sum or mean, perhaps converted by a table."""

    items: tuple[str, ...]
    label: str
    bands: tuple[Band, ...] = ()
    """Applied to the converted score when there is a table, else to the total."""
    higher_is: str = ""
    """Plain words for what a higher total means, e.g. "lonelier"."""
    key: str = TOTAL
    """The measure's key in outcomes ("total" for the overall total)."""
    combine: str = SUM
    table: tuple[tuple[int, float], ...] = ()
    """Raw total -> converted score; when given, it covers every possible raw total."""

    @property
    def decimal(self) -> bool:
        """Shown to 2 decimal places (means and converted scores)."""
        return self.combine == MEAN or bool(self.table)

    def shown(self, value: float | None) -> str:
        if value is None:
            return ""
        if self.decimal or not float(value).is_integer():
            return f"{value:.{MEAN_PLACES}f}"
        return str(int(value))


@dataclass(frozen=True, slots=True)
class Definition:
    items: tuple[Item, ...]
    scoring: str = SEPARATE
    total: Total | None = None
    """The overall total (key "total")."""
    intro: str = ""
    agree_from: int | None = None
    """Agreement scales: values at or above this count as "agreeing"."""
    subscales: tuple[Total, ...] = ()
    """Subscales over some of the items, each with its own key and label."""

    @property
    def totals(self) -> tuple[Total, ...]:
        """Subscales, then the overall total."""
        return (*self.subscales, *((self.total,) if self.total is not None else ()))

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
        found.extend((total.key, total.label) for total in self.totals)
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
class TotalResult:
    key: str
    label: str
    value: float | None
    """The total (converted when there is a table); None when any of its items is missing."""
    raw: float | None
    """Before conversion (the same as `value` without a table)."""
    band: str | None
    shown: str
    """The value in words for a page: whole numbers, or 2 decimal places for means and tables."""


@dataclass(frozen=True, slots=True)
class Scored:
    items: tuple[ItemResult, ...]
    totals: tuple[TotalResult, ...] = ()

    def _overall(self) -> TotalResult | None:
        return next((t for t in self.totals if t.key == TOTAL), None)

    @property
    def total(self) -> float | None:
        """The overall total, when there is one and every item of it was answered."""
        overall = self._overall()
        return None if overall is None else overall.value

    @property
    def total_band(self) -> str | None:
        overall = self._overall()
        return None if overall is None else overall.band

    def measures(self, definition: Definition) -> dict[str, float]:
        """Numeric measures present in this response (missing ones are absent, never 0)."""
        found: dict[str, float] = {}
        for result in self.items:
            item = definition.item(result.code)
            if item.kind == SCORE and item.reported and result.value is not None:
                found[result.code] = float(result.value)
        for total in self.totals:
            if total.value is not None:
                found[total.key] = float(total.value)
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
    totals = tuple(score_total(definition, total, answers) for total in definition.totals)
    return Scored(tuple(results), totals)


def score_total(definition: Definition, total: Total, answers: Answers) -> TotalResult:
    """One total: None when any of its items is missing or "Prefer not to say"."""
    raw = combined(definition, total, [answers.get(code) for code in total.items])
    value = raw
    if raw is not None and total.table:
        value = dict(total.table).get(int(raw)) if float(raw).is_integer() else None
    band = band_of(total.bands, value)
    return TotalResult(total.key, total.label, value, raw, band, total.shown(value))


def combined(definition: Definition, total: Total, values: Sequence[int | None]) -> float | None:
    """Sum or mean (to 2 places) of the counted values, in the order of `total.items`."""
    if not values or any(value is None for value in values):
        return None
    counted = [
        definition.item(code).counted(value)
        for code, value in zip(total.items, values, strict=True)
        if value is not None
    ]
    if total.combine == MEAN:
        return round(math.fsum(counted) / len(counted), MEAN_PLACES)
    return sum(counted)


class MeasureScorer:
    """`score(definition, answers).measures(definition)` without the words, bands and labels a
    page needs: only the numbers the aggregates pair up, with each item's scale read once. Same
    checks (an answer off its item's scale raises ValueError), same keys in the same order, same
    floats (property test in test_scoring.py)."""

    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        self.items = tuple(
            (item.code, item.values, item.kind == SCORE and item.reported)
            for item in definition.items
        )
        self.totals = tuple(
            (total, dict(total.table) if total.table else None) for total in definition.totals
        )

    def __call__(self, answers: Answers) -> dict[str, float]:
        found: dict[str, float] = {}
        for code, values, reported in self.items:
            value = answers.get(code)
            if value is not None and value not in values:
                raise ValueError(f"{code}: {value!r} is not on the scale")
            if reported and value is not None:
                found[code] = float(value)
        for total, table in self.totals:
            raw = combined(self.definition, total, [answers.get(code) for code in total.items])
            converted: float | None = raw
            if raw is not None and table is not None:
                converted = table.get(int(raw)) if float(raw).is_integer() else None
            if converted is not None:
                found[total.key] = float(converted)
        return found


def possible_raw_totals(definition: Definition, total: Total) -> list[int]:
    """Every raw sum the total's items can make (reversal counted), lowest first."""
    sums = {0}
    for code in total.items:
        item = definition.item(code)
        counted = {item.counted(value) for value in item.scale}
        sums = {so_far + value for so_far in sums for value in counted}
    return sorted(sums)


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
                "reverse": i.reverse,
                "options": [[o.value, o.label] for o in i.options],
                "bands": _bands_json(i.bands),
            }
            for i in definition.items
        ],
        "total": None if definition.total is None else _total_json(definition.total),
        "subscales": [_total_json(total) for total in definition.subscales],
    }
    return data


def _bands_json(found: Sequence[Band]) -> list[list[Any]]:
    return [[b.low, b.high, b.label] for b in found]


def _total_json(total: Total) -> dict[str, Any]:
    return {
        "key": total.key,
        "items": list(total.items),
        "label": total.label,
        "combine": total.combine,
        "table": [[raw, converted] for raw, converted in total.table],
        "bands": _bands_json(total.bands),
        "higher_is": total.higher_is,
    }


def _number(value: Any) -> float:
    """A stored number: whole numbers stay ints, so old definitions read back unchanged."""
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, int):
        return value
    return float(value)


def _bands(found: Iterable[Sequence[Any]]) -> tuple[Band, ...]:
    return tuple(Band(_number(b[0]), _number(b[1]), str(b[2])) for b in found)


def _total(data: Mapping[str, Any], *, key: str) -> Total:
    return Total(
        items=tuple(str(code) for code in data["items"]),
        label=str(data["label"]),
        bands=_bands(data.get("bands", [])),
        higher_is=str(data.get("higher_is", "")),
        key=str(data.get("key", key)),
        combine=str(data.get("combine", SUM)),
        table=tuple((int(row[0]), float(row[1])) for row in data.get("table", [])),
    )


def from_json(data: Mapping[str, Any]) -> Definition:
    """Reads every stored format: before subscales, reversal and tables, and after."""
    items = tuple(
        Item(
            code=str(i["code"]),
            text=str(i["text"]),
            label=str(i.get("label") or i["text"]),
            options=tuple(
                Option(None if o[0] is None else int(o[0]), str(o[1])) for o in i["options"]
            ),
            kind=str(i.get("kind", SCORE)),
            bands=_bands(i.get("bands", [])),
            reported=bool(i.get("reported", True)),
            reverse=bool(i.get("reverse", False)),
        )
        for i in data["items"]
    )
    total_data = data.get("total")
    total = _total(total_data, key=TOTAL) if total_data else None
    subscales = tuple(
        _total(found, key=f"subscale_{number}")
        for number, found in enumerate(data.get("subscales") or [], start=1)
    )
    agree_from = data.get("agree_from")
    return Definition(
        items=items,
        scoring=str(data.get("scoring", SEPARATE)),
        total=total,
        intro=str(data.get("intro", "")),
        agree_from=None if agree_from is None else int(agree_from),
        subscales=subscales,
    )


__all__ = [
    "CATEGORY",
    "COMBINES",
    "KINDS",
    "MEAN",
    "SCORE",
    "SEPARATE",
    "SUM",
    "TOTAL",
    "Band",
    "Definition",
    "Item",
    "ItemResult",
    "ItemSummary",
    "Option",
    "Scored",
    "Total",
    "TotalResult",
    "band_of",
    "combined",
    "possible_raw_totals",
    "score_total",
    "from_json",
    "score",
    "summarise",
    "to_json",
    "validate",
]
