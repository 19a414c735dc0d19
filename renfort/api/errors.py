"""Error bodies of the API, documented in the OpenAPI schema, and French validation messages.

django-ninja answers invalid parameters with pydantic's English messages; `validation_error`
replaces them with French ones, one per parameter, in the same shape for every endpoint."""

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, NinjaAPI, Schema
from ninja.errors import ValidationError
from pydantic import ConfigDict


class ErrorOut(Schema):
    model_config = ConfigDict(title="Erreur")

    detail: str = Field(title="Message", description="Ce qui ne va pas, en français.")


class FieldErrorOut(Schema):
    model_config = ConfigDict(title="Erreur sur un paramètre")

    champ: str = Field(title="Paramètre", description="Nom du paramètre refusé.")
    message: str = Field(title="Message", description="Pourquoi il est refusé, en français.")


class ValidationErrorOut(Schema):
    model_config = ConfigDict(title="Paramètres invalides")

    detail: list[FieldErrorOut] = Field(
        title="Erreurs", description="Une erreur par paramètre refusé."
    )


# pydantic error type → French message (formatted with the error's context).
MESSAGES = {
    "missing": "Ce paramètre est obligatoire.",
    "date_type": "Date invalide : utilisez le format AAAA-MM-JJ (par exemple {example}).",
    "date_parsing": "Date invalide : utilisez le format AAAA-MM-JJ (par exemple {example}).",
    "date_from_datetime_parsing": (
        "Date invalide : utilisez le format AAAA-MM-JJ (par exemple {example})."
    ),
    "date_from_datetime_inexact": "Date invalide : indiquez un jour, sans heure (AAAA-MM-JJ).",
    "date_nonexistent": "Date invalide : ce jour n'existe pas (par exemple {example}).",
    "datetime_parsing": "Date et heure invalides : utilisez le format ISO 8601.",
    "datetime_from_date_parsing": "Date et heure invalides : utilisez le format ISO 8601.",
    "int_parsing": "Nombre entier attendu.",
    "int_type": "Nombre entier attendu.",
    "int_from_float": "Nombre entier attendu.",
    "float_parsing": "Nombre attendu.",
    "float_type": "Nombre attendu.",
    "bool_parsing": "Valeur attendue : true ou false.",
    "bool_type": "Valeur attendue : true ou false.",
    "string_type": "Texte attendu.",
    "string_too_short": "Texte trop court (longueur minimale : {min_length}).",
    "string_too_long": "Texte trop long (longueur maximale : {max_length}).",
    "greater_than": "La valeur doit être supérieure à {gt}.",
    "greater_than_equal": "La valeur doit être supérieure ou égale à {ge}.",
    "less_than": "La valeur doit être inférieure à {lt}.",
    "less_than_equal": "La valeur doit être inférieure ou égale à {le}.",
    "json_invalid": "Le corps de la requête n'est pas un JSON valide.",
}
FALLBACK = "Valeur invalide."


def french_message(error: dict) -> str:
    kind, context = error.get("type", ""), error.get("ctx") or {}
    if kind in ("literal_error", "enum"):
        # pydantic: "'matin' or 'apres-midi'" → « 'matin' ou 'apres-midi' »
        expected = str(context.get("expected", "")).replace(" or ", " ou ")
        return f"Valeur non autorisée. Valeurs possibles : {expected}." if expected else FALLBACK
    template = MESSAGES.get(kind)
    if template is None:
        return FALLBACK
    # An example date that the API accepts (next week), never a past one.
    example = (timezone.localdate() + timedelta(days=7)).isoformat()
    try:
        return template.format(**{**context, "example": example})
    except (KeyError, IndexError, ValueError):
        return FALLBACK


def field_name(error: dict) -> str:
    """("query", "date") → "date"; the source (query, path, body…) is left out."""
    location = [str(part) for part in error.get("loc", ())]
    return ".".join(location[1:]) or ".".join(location)


def validation_error(request: HttpRequest, exc: ValidationError, *, api: NinjaAPI) -> HttpResponse:
    detail = [{"champ": field_name(e), "message": french_message(e)} for e in exc.errors]
    return api.create_response(request, {"detail": detail}, status=422)


ERROR_RESPONSES = {400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}

# OpenAPI descriptions of the answers, in French (django-ninja writes « OK », « Bad Request »…).
RESPONSE_DESCRIPTIONS = {
    200: "Succès",
    400: "Requête incomplète ou hors des limites (message dans `detail`)",
    404: "Introuvable (message dans `detail`)",
    422: "Paramètre invalide (une erreur par paramètre dans `detail`)",
}


def french_responses(*statuses: int, list_title: str = "") -> dict:
    """`openapi_extra` of an operation: the French description of each of its answers, and the
    title of its 200 answer when it is a list (django-ninja names it « Response »)."""
    responses = {status: {"description": RESPONSE_DESCRIPTIONS[status]} for status in statuses}
    if list_title:
        responses[200]["content"] = {"application/json": {"schema": {"title": list_title}}}
    return {"responses": responses}
