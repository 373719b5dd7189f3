"""The organisation's own words for reason lists (decision 0088): reads.

Each app registers its lists when it starts (`register`, from its `AppConfig.ready`), with the
starting words it has always had (its `TextChoices`). An organisation that never edited a list
sees those; once edited, its `LocalWord` rows are the list. Records keep a word's code, which
never changes, so reports and API version 1 count by code and show the organisation's label.

Writes are in `alongside.access.services` (`save_words`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.utils.text import slugify
from django_stubs_ext import StrOrPromise

from alongside.access.models import LocalWord


@dataclass(frozen=True)
class WordList:
    """A list an organisation may word its own way.

    `fixed` codes are what the software acts on (a "first named worker", "another reason" that
    needs words): they can be renamed and moved but never retired. `can_add` is false where the
    software acts on every code (the answers a service gives a referral), so only renaming makes
    sense there."""

    key: str
    title: StrOrPromise
    hint: StrOrPromise
    starting: Sequence[tuple[str, StrOrPromise]]
    can_add: bool = True
    fixed: frozenset[str] = field(default_factory=frozenset)
    # Codes kept out of pickers (set by the software, not chosen), still renamable.
    not_picked: frozenset[str] = field(default_factory=frozenset)
    max_code_length: int = 20


@dataclass(frozen=True)
class Word:
    code: str
    label: str
    position: int
    active: bool
    starting: bool


LISTS: dict[str, WordList] = {}


def register(word_list: WordList) -> WordList:
    LISTS[word_list.key] = word_list
    return word_list


def word_list(key: str) -> WordList:
    return LISTS[key]


def words(organisation_id: int, key: str) -> list[Word]:
    """Every word of the list, retired ones included, in the organisation's order."""
    return words_of(organisation_id, [key])[key]


def words_of(organisation_id: int, keys: Iterable[str]) -> dict[str, list[Word]]:
    """`words` for several lists in one query."""
    keys = list(keys)
    rows: dict[str, list[LocalWord]] = {key: [] for key in keys}
    for row in LocalWord.objects.filter(
        organisation_id=organisation_id, word_list__in=keys
    ).order_by("position", "id"):
        rows[row.word_list].append(row)
    return {key: _words(LISTS[key], rows[key]) for key in keys}


def _words(spec: WordList, rows: list[LocalWord]) -> list[Word]:
    if not rows:
        return [
            Word(code, str(label), position, True, True)
            for position, (code, label) in enumerate(spec.starting)
        ]
    starting_codes = {code for code, _label in spec.starting}
    return [
        Word(row.code, row.label, row.position, row.active, row.code in starting_codes)
        for row in rows
    ]


def labels(organisation_id: int, key: str) -> dict[str, str]:
    """Code -> the organisation's label, retired words and starting words included (a record
    may hold a starting code the organisation never wrote a row for)."""
    found = {code: str(label) for code, label in LISTS[key].starting}
    found.update({word.code: word.label for word in words(organisation_id, key)})
    return found


def label(organisation_id: int, key: str, code: str) -> str:
    return labels(organisation_id, key).get(code, code) if code else ""


def choices(organisation_id: int, key: str, *, keep: Iterable[str] = ()) -> list[tuple[str, str]]:
    """What a picker offers: the words in use, in order, plus any in `keep` (the record's own
    word, so editing an old record does not lose a retired word)."""
    return _choices(LISTS[key], words(organisation_id, key), keep)


def choices_of(
    organisation_id: int, keys: Iterable[str], *, keep: Mapping[str, Iterable[str]] | None = None
) -> dict[str, list[tuple[str, str]]]:
    """`choices` for several lists in one query (`keep`: per list, as `choices` takes it)."""
    keep = keep or {}
    return {
        key: _choices(LISTS[key], found, keep.get(key, ()))
        for key, found in words_of(organisation_id, keys).items()
    }


def _choices(spec: WordList, found: list[Word], keep: Iterable[str]) -> list[tuple[str, str]]:
    kept = {code for code in keep if code}
    return [
        (word.code, word.label)
        for word in found
        if (word.active and word.code not in spec.not_picked) or word.code in kept
    ]


def codes_in_use(organisation_id: int, key: str) -> set[str]:
    """The codes a new record may take."""
    return {code for code, _label in choices(organisation_id, key)}


def new_code(label_text: str, taken: Iterable[str], *, max_length: int = 20) -> str:
    """A stable code for an added word, from its label: "Moved to Wales" -> "moved_to_wales"."""
    slug = slugify(label_text).replace("-", "_")
    base = slug[:max_length]
    if len(slug) > max_length and slug[max_length] != "_" and "_" in base:
        base = base[: base.rfind("_")]  # whole words only
    base = base.strip("_") or "word"
    taken = set(taken)
    code, n = base, 2
    while code in taken:
        suffix = f"_{n}"
        code = base[: max_length - len(suffix)] + suffix
        n += 1
    return code


def all_labels(organisation_id: int) -> dict[str, dict[str, str]]:
    """`labels` for every list at once: one query."""
    found = {
        key: {code: str(label) for code, label in spec.starting} for key, spec in LISTS.items()
    }
    rows = LocalWord.objects.filter(organisation_id=organisation_id).values_list(
        "word_list", "code", "label"
    )
    for key, code, label in rows:
        found.setdefault(key, {})[code] = label
    return found


def request_labels(request: HttpRequest | None, organisation_id: int, key: str) -> dict[str, str]:
    """`labels`, read once per request for every list (a page may show words of several)."""
    if request is None:
        return labels(organisation_id, key)
    cache: dict[int, dict[str, dict[str, str]]] = request.__dict__.setdefault("_local_words", {})
    if organisation_id not in cache:
        cache[organisation_id] = all_labels(organisation_id)
    return cache[organisation_id].get(key, {})
