"""Instruments a data lead enters: check the scoring they describe, build its definition, and say
how any instrument is scored in plain words. Pure (no Django).

Questions are numbered from 1 in the order entered (item codes q1, q2 …). Problems come back
keyed by the add-instrument form's fields, one plain message each.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from alongside.measures.scoring import (
    CATEGORY,
    COMBINES,
    MEAN,
    SCORE,
    SEPARATE,
    SUM,
    Band,
    Definition,
    Item,
    Option,
    Total,
    possible_raw_totals,
)

PREFER_NOT_TO_SAY = "Prefer not to say"
SCORINGS = (SUM, MEAN, SEPARATE)


@dataclass(frozen=True, slots=True)
class Entered:
    """What the data lead typed, already parsed into numbers by the form."""

    name: str
    questions: Sequence[str]
    options: Sequence[tuple[int, str]]
    scoring: str
    """SUM or MEAN for an overall total, SEPARATE for none (each question reported)."""
    reverse: Sequence[int] = ()
    total_questions: Sequence[int] = ()
    """Question numbers in the overall total; empty for every question."""
    total_label: str = ""
    total_table: Sequence[tuple[int, float]] = ()
    total_bands: Sequence[tuple[float, float, str]] = ()
    subscales: Sequence[tuple[str, Sequence[int]]] = ()
    subscale_scoring: str = SUM


# Words ------------------------------------------------------------------------------------------


def _upper_first(words: str) -> str:
    return words[:1].upper() + words[1:]


def _number(value: float) -> str:
    return f"{value:g}"


def and_list(words: Sequence[str]) -> str:
    """Join words: "a", "a and b", "a, b and c"."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def numbers_in_words(numbers: Sequence[int]) -> str:
    """Runs of three or more as ranges: [1, 2, 3, 5] -> "1–3 and 5"."""
    found = sorted(set(numbers))
    runs: list[list[int]] = []
    for number in found:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    words: list[str] = []
    for run in runs:
        if len(run) >= 3:
            words.append(f"{run[0]}–{run[-1]}")
        else:
            words.extend(str(number) for number in run)
    return and_list(words)


def questions_in_words(numbers: Sequence[int]) -> str:
    """Say which questions: "question 3", "questions 2 and 5", "questions 1–7"."""
    word = "question" if len(set(numbers)) == 1 else "questions"
    return f"{word} {numbers_in_words(numbers)}"


def _total_in_words(definition: Definition, total: Total, numbers: dict[str, int]) -> str:
    counted = [numbers[code] for code in total.items]
    how = "average" if total.combine == MEAN else "sum"
    words = f"{total.label}: {how} of {questions_in_words(counted)}"
    reversed_ = [numbers[code] for code in total.items if definition.item(code).reverse]
    if reversed_:
        words += f", {questions_in_words(reversed_)} reversed"
    if total.combine == MEAN:
        words += ", to 2 decimal places"
    if total.table:
        words += ", converted by the table you entered"
        raws = [raw for raw, _ in total.table]
        converted = [value for _, value in total.table]
        words += (
            f" (raw {min(raws)} to {max(raws)} becomes "
            f"{min(converted):.2f} to {max(converted):.2f})"
        )
    if total.bands:
        bands = "; ".join(
            f"{_number(band.low)}–{_number(band.high)} {band.label}" for band in total.bands
        )
        words += f". Bands: {bands}"
    return words + "."


def scoring_in_words(definition: Definition) -> list[str]:
    """How an instrument is scored, one sentence a line, for a data lead to check."""
    numbers = {item.code: number for number, item in enumerate(definition.items, start=1)}
    lines: list[str] = []
    reported = [
        numbers[item.code] for item in definition.items if item.kind == SCORE and item.reported
    ]
    if reported:
        each = "each reported" if len(reported) > 1 else "reported"
        lines.append(f"{_upper_first(questions_in_words(reported))}: {each} on its own.")
    categories = [numbers[item.code] for item in definition.items if item.kind == CATEGORY]
    if categories:
        lines.append(
            f"{_upper_first(questions_in_words(categories))}: the answer in words, not scored."
        )
    lines.extend(_total_in_words(definition, total, numbers) for total in definition.totals)
    if definition.totals:
        lines.append(
            "When any question of a total is not answered, or is “Prefer not to say”, "
            "that total is left out – never added up from the rest."
        )
    return lines


# Checking and building ----------------------------------------------------------------------------


def subscale_key(name: str, number: int) -> str:
    """A stable key from the subscale's name ("Bond" -> "scale_bond"), so versions pair up."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return f"scale_{slug or number}"


def _unknown(numbers: Sequence[int], count: int) -> str | None:
    """A message (lower case) when any question number is not one of the questions entered."""
    missing = sorted({n for n in numbers if not 1 <= n <= count})
    if not missing:
        return None
    there = "is no" if len(missing) == 1 else "are no"
    have = "is only 1 question" if count == 1 else f"are {count} questions"
    return f"there {there} {questions_in_words(missing)}: there {have}."


def _twice(numbers: Sequence[int]) -> list[int]:
    return sorted(n for n, seen in Counter(numbers).items() if seen > 1)


def _check_table(
    problems: dict[str, str],
    definition: Definition,
    total: Total,
    table: Sequence[tuple[int, float]],
) -> None:
    raws = [raw for raw, _ in table]
    twice = _twice(raws)
    if twice:
        word = "Raw total" if len(twice) == 1 else "Raw totals"
        verb = "is" if len(twice) == 1 else "are"
        problems["total_table"] = (
            f"{word} {numbers_in_words(twice)} {verb} in the table more than once. "
            "Give each raw total one line."
        )
        return
    possible = possible_raw_totals(definition, total)
    span = f"{possible[0]} to {possible[-1]}"
    missing = sorted(set(possible) - set(raws))
    extra = sorted(set(raws) - set(possible))
    words = []
    if missing:
        words.append(
            f"The table needs a line for every possible raw total ({span}). "
            f"Missing: {numbers_in_words(missing)}."
        )
    if extra:
        words.append(
            f"These raw totals cannot happen with these questions and answers, so take them "
            f"out: {numbers_in_words(extra)}. Raw totals run from {span}."
        )
    if words:
        problems["total_table"] = " ".join(words)


def check_and_build(entered: Entered) -> tuple[Definition | None, dict[str, str]]:
    """The definition for what was entered, or the problems by form field (then no definition).

    Checks every question number, the subscales, that a conversion table has exactly one line
    for every possible raw total, and that bands run from low to high.
    """
    problems: dict[str, str] = {}
    count = len(entered.questions)
    if not count:
        problems["questions"] = "Enter at least one question."
    values = [value for value, _ in entered.options]
    options_ok = len(values) >= 2 and len(set(values)) == len(values)
    if not options_ok:
        problems["options"] = "Enter at least two answers, each with its own number."
    if entered.scoring not in SCORINGS:
        problems["scoring"] = "Choose how it is scored."
    if entered.subscale_scoring not in COMBINES:
        problems["subscale_scoring"] = "Choose how each subscale is worked out."
    has_total = entered.scoring in COMBINES
    no_total = (
        "There is no overall total. Choose “Add the answers up” or “Average of the answers”, "
        "or leave this empty."
    )

    if count:
        message = _unknown(entered.reverse, count)
        if message:
            problems["reverse"] = _upper_first(message)
        message = _unknown(entered.total_questions, count)
        if message:
            problems["total_questions"] = _upper_first(message)
        elif _twice(entered.total_questions):
            twice = _twice(entered.total_questions)
            problems["total_questions"] = (
                f"{_upper_first(questions_in_words(twice))}: listed twice."
            )
    if entered.reverse and not (has_total or entered.subscales):
        problems["reverse"] = (
            "Reversing changes only a total or subscale, and there is neither. "
            "Choose a total, add a subscale, or leave this empty."
        )
    if not has_total:
        for field, given in (
            ("total_questions", entered.total_questions),
            ("total_table", entered.total_table),
            ("total_bands", entered.total_bands),
        ):
            if given:
                problems[field] = no_total
    elif entered.total_table and entered.scoring == MEAN:
        problems["total_table"] = (
            "A conversion table needs a total that adds the answers up. "
            "Choose “Add the answers up”, or leave the table empty."
        )
    for low, high, label in entered.total_bands:
        if low > high:
            problems.setdefault(
                "total_bands",
                f"The band “{label}” starts above where it ends ({_number(low)} to "
                f"{_number(high)}). Write the lower number first.",
            )

    subscale_keys: list[str] = []
    names = [name.strip() for name, _ in entered.subscales]
    for number, (name, members) in enumerate(entered.subscales, start=1):
        subscale_keys.append(subscale_key(name, number))
        message = _unknown(members, count) if count else None
        if message:
            problems.setdefault("subscales", f"{name}: {message}")
        elif _twice(members):
            problems.setdefault(
                "subscales", f"{name}: {questions_in_words(_twice(members))} listed twice."
            )
    twice_names = sorted(
        {name for name in names if names.count(name) > 1}
        | {names[i] for i, key in enumerate(subscale_keys) if subscale_keys.count(key) > 1}
    )
    if twice_names:
        problems.setdefault(
            "subscales",
            f"Give each subscale its own name: “{twice_names[0]}” is used more than once.",
        )

    if problems:
        return None, problems

    scale = (
        *(Option(value, label) for value, label in entered.options),
        Option(None, PREFER_NOT_TO_SAY),
    )
    reversed_ = set(entered.reverse)
    items = tuple(
        Item(
            f"q{number}",
            text,
            f"Question {number}",
            scale,
            reported=not has_total,
            reverse=number in reversed_,
        )
        for number, text in enumerate(entered.questions, start=1)
    )
    total = None
    if has_total:
        chosen = entered.total_questions or range(1, count + 1)
        total = Total(
            items=tuple(f"q{number}" for number in sorted(chosen)),
            label=entered.total_label.strip() or f"{entered.name.strip()} total",
            bands=tuple(Band(low, high, label) for low, high, label in entered.total_bands),
            combine=entered.scoring,
        )
    subscales = tuple(
        Total(
            items=tuple(f"q{number}" for number in sorted(members)),
            label=name.strip(),
            key=key,
            combine=entered.subscale_scoring,
        )
        for (name, members), key in zip(entered.subscales, subscale_keys, strict=True)
    )
    definition = Definition(
        items=items,
        scoring=entered.scoring,
        total=total,
        subscales=subscales,
    )
    if total is not None and entered.total_table:
        _check_table(problems, definition, total, entered.total_table)
        if problems:
            return None, problems
        table = tuple(sorted((raw, float(value)) for raw, value in entered.total_table))
        definition = replace(definition, total=replace(total, table=table))
    return definition, problems


__all__ = [
    "Entered",
    "and_list",
    "check_and_build",
    "numbers_in_words",
    "questions_in_words",
    "scoring_in_words",
    "subscale_key",
]
