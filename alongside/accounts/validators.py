"""Passwords an attacker would try first for this service (ASVS 5.0 6.2.11; decision 0028).

`ContextWordsValidator` refuses a password that contains the product's name, a role's name or
the name or short name (slug) of an organisation the user works in. The password is compared
folded: lower case, the usual digits and symbols read as letters (`al0ngs1de`), everything but
letters dropped (`Safeguarding Lead` -> `safeguardinglead`). Django's CommonPasswordValidator
beside it (in AUTH_PASSWORD_VALIDATORS) is the offline check against breached passwords.
"""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Role

PRODUCT_WORDS = ("alongside",)
SHORTEST_WORD = 5  # a shorter word of a name ("hub", "lead") would refuse too much
LOOKALIKES = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                            "@": "a", "$": "s", "!": "i"})  # fmt: skip


def fold(text: str) -> str:
    """Lower case, look-alike digits and symbols as letters, and nothing but letters."""
    return re.sub(r"[^a-z]", "", text.lower().translate(LOOKALIKES))


def _words_of(name: str) -> set[str]:
    """A name whole (folded) and each of its words long enough to be worth refusing."""
    parts = [fold(part) for part in re.split(r"[\s_\-]+", name)]
    return {fold(name)} | {part for part in parts if len(part) >= SHORTEST_WORD}


def role_words() -> set[str]:
    words: set[str] = set()
    for value, label in Role.choices:
        words |= _words_of(value) | _words_of(str(label))
    return words


def context_words(user: Any = None) -> set[str]:
    """The words refused for `user` (None: a password chosen before there is an account)."""
    words = set(PRODUCT_WORDS) | role_words()
    if user is not None and getattr(user, "pk", None) is not None:
        for name, slug in Membership.objects.filter(user_id=user.pk).values_list(
            "organisation__name", "organisation__slug"
        ):
            words |= _words_of(name) | _words_of(slug)
    return {word for word in words if len(word) >= 4}  # a short slug ("ab") refuses nothing


class ContextWordsValidator:
    """Refuses passwords holding the product's, a role's or the user's organisation's name."""

    def validate(self, password: str, user: Any = None) -> None:
        folded = fold(password)
        found = sorted(word for word in context_words(user) if word in folded)
        if found:
            raise ValidationError(
                _(
                    "Choose a password without “%(word)s”: the name of this service, of a role "
                    "or of your organisation is what anyone guessing would try first."
                ),
                code="password_context_word",
                params={"word": found[0]},
            )

    def get_help_text(self) -> str:
        return _("Not the name of Alongside, of a role or of your organisation.")
