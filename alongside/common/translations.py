"""The language's messages without the empty catalogs Django chains behind them.

Asked for "en-gb", Python's gettext finds each locale folder's `en_GB` catalog and, behind it,
its `en` one; Django merges the `en_GB` catalogs into one and chains every `en` one behind as a
fallback. Those `en` catalogs hold nothing but their header, yet every message without a British
spelling (nearly all of ours) walks the whole chain of six before it is given back as written:
the person page's and the inbox's first cost by own time (issue 17). A catalog with no messages
answers nothing, so leaving it out changes no message.
"""

from typing import Any

from django.conf import settings
from django.utils.translation import trans_real


def drop_empty_fallbacks(translation: Any) -> int:
    """Take out of `translation`'s fallback chain every catalog with no message but its header;
    returns how many were taken out."""
    dropped = 0
    holder = translation
    while (fallback := getattr(holder, "_fallback", None)) is not None:
        catalog = getattr(fallback, "_catalog", None)
        if isinstance(catalog, dict) and set(catalog) <= {""}:
            holder._fallback = fallback._fallback
            dropped += 1
        else:
            holder = fallback
    return dropped


def without_empty_fallbacks() -> int:
    """The configured language's translation (made now, as the first request would), without
    its empty fallbacks. Called once the apps are ready (`common.apps`)."""
    return drop_empty_fallbacks(trans_real.translation(settings.LANGUAGE_CODE))
