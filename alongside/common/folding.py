"""Names made comparable: one folding for every place that compares names (people's search,
pickers and possible-match check through `people.names`; the worker picker in `access`).
`fold("Mairead O'Brien") == fold("mairead obrien")`, `fold("Aydın") == fold("AYDIN")`.
Pure: no Django. Decision 0038; here in `common` so that a foundation app may use it (0081).
"""

import re
import unicodedata

# Letters that NFKD does not split into a base letter and a mark.
_LETTERS = str.maketrans(
    {
        "ı": "i",
        "İ": "i",
        "ß": "ss",
        "ẞ": "ss",
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "ħ": "h",
        "Ħ": "h",
    }
)
# Apostrophes and hyphens join a name's parts ("O'Brien", "Jean-Paul" is one word: "jeanpaul").
_JOINERS = re.compile(r"['’‘`´ʼ\-‐‑–.]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case, no accents, no apostrophes or hyphens, other punctuation as spaces, single
    spaces: what two spellings of one name have in common."""
    if text.isascii():  # most names: no letters to translate, no accents to take off
        return " ".join(_NOT_WORD.sub(" ", _JOINERS.sub("", text.lower())).split())
    text = text.translate(_LETTERS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.translate(_LETTERS).casefold()
    text = _JOINERS.sub("", text)
    return " ".join(_NOT_WORD.sub(" ", text).split())
