"""The configured language's messages without the empty catalogs chained behind them."""

import gettext

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override, trans_real

from alongside.common.translations import drop_empty_fallbacks


def _catalog(messages: dict[str, str]) -> gettext.GNUTranslations:
    found = gettext.GNUTranslations.__new__(gettext.GNUTranslations)
    gettext.NullTranslations.__init__(found)
    found._catalog = {"": "Content-Type: text/plain; charset=UTF-8\n", **messages}  # type: ignore[attr-defined]
    found.plural = lambda n: int(n != 1)  # type: ignore[attr-defined]
    return found


def _chain(translation: gettext.NullTranslations) -> list[gettext.NullTranslations]:
    found = []
    while (translation := translation._fallback) is not None:  # type: ignore[assignment]
        found.append(translation)
    return found


def test_the_configured_language_walks_no_empty_catalog():
    """Django chains each locale folder's header-only `en` catalog behind `en_GB` (six of them);
    the app leaves them out when it is ready, and British spellings still come back."""
    translation = trans_real.translation(settings.LANGUAGE_CODE)
    assert all(set(fallback._catalog) - {""} for fallback in _chain(translation))  # type: ignore[attr-defined]
    with override(settings.LANGUAGE_CODE):
        assert _("A message nobody translates") == "A message nobody translates"
        british = next(
            (key, value)
            for key, value in translation._catalog.items()  # type: ignore[union-attr]
            if isinstance(key, str) and key and value != key
        )
        assert _(british[0]) == british[1]


def test_only_empty_catalogs_leave_the_chain_and_every_answer_stays():
    first, kept, last = _catalog({}), _catalog({"Colour": "Colour (kept)"}), _catalog({})
    top = _catalog({"Color": "Colour"})
    top.add_fallback(first)
    top.add_fallback(kept)
    top.add_fallback(last)
    asked = ["Color", "Colour", "Nothing", ""]
    before = [top.gettext(message) for message in asked]
    assert drop_empty_fallbacks(top) == 2
    assert _chain(top) == [kept]
    assert [top.gettext(message) for message in asked] == before
    assert drop_empty_fallbacks(top) == 0
