"""The project's password rule that Django words for usernames: people log in with their email
address, so a password too close to it (or to their names) is said in their words."""

import re
from difflib import SequenceMatcher

from django.contrib.auth.password_validation import (
    UserAttributeSimilarityValidator,
    exceeds_maximum_length_ratio,
)
from django.core.exceptions import ValidationError

# The account's attributes compared with the password, as the message names them. The username
# is the email (accounts.models): comparing it too would name « nom d'utilisateur ».
ATTRIBUTES = {
    "email": "votre adresse électronique",
    "first_name": "votre prénom",
    "last_name": "votre nom",
}


class SimilarityValidator(UserAttributeSimilarityValidator):
    """« Le mot de passe est trop semblable à votre adresse électronique. »"""

    def __init__(self, max_similarity: float = 0.7):
        super().__init__(user_attributes=tuple(ATTRIBUTES), max_similarity=max_similarity)

    def validate(self, password, user=None):
        if not user:
            return
        password = password.lower()
        for attribute, words in ATTRIBUTES.items():
            value = getattr(user, attribute, None)
            if not value or not isinstance(value, str):
                continue
            value = value.lower()
            for part in [*re.split(r"\W+", value), value]:
                if exceeds_maximum_length_ratio(password, self.max_similarity, part):
                    continue
                if SequenceMatcher(a=password, b=part).quick_ratio() >= self.max_similarity:
                    raise ValidationError(
                        f"Le mot de passe est trop semblable à {words}.",
                        code="password_too_similar",
                    )

    def get_help_text(self):
        return (
            "Votre mot de passe ne doit pas ressembler à votre adresse électronique ni à votre nom."
        )
