from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from dsfr.forms import DsfrBaseForm, DsfrDjangoTemplates

from .text import one_line

MAX_ID = 2**63 - 1  # the largest id a database integer column holds
# The mention after the label of an optional field (DSFR): every form of Renfort writes it so,
# never « (optionnel) » nor « Facultatif : » in the hint.
OPTIONAL = " (facultatif)"


def parse_id(value) -> int | None:
    """A database id from a request parameter: None unless a positive 64-bit integer (SQLite
    raises OverflowError on larger numbers instead of finding nothing)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows whose posted ids are checked before the query: an id out of
    range is « not a valid choice », not a server error."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


# django-dsfr gives every form instance a renderer of its own, hence a template engine of its own
# that compiles the field templates again at each page (≈ 5 ms per page). One renderer per
# process keeps them compiled.
DSFR_RENDERER = DsfrDjangoTemplates()
# A single checkbox with its label and help text, DSFR markup (`field.template_name`).
CHECKBOX_TEMPLATE = "core/_checkbox_field.html"


# Django's « Saisissez une adresse de courriel valide. » said as everywhere else in Renfort.
EMAIL_INVALID = "Adresse électronique invalide, par exemple nom@exemple.fr."


def _styled(form) -> None:
    """django-dsfr marks radio buttons with an attribute `dsfr="dsfr"` that its templates never
    read for them, and that ends up in the HTML as an invalid attribute: drop it. Forget the
    bound fields django-dsfr built to style them, so that a subclass that changes a field
    afterwards (label, widget) is rendered with its change. An email address refused says
    what one looks like (EMAIL_INVALID). A drop-down list's empty choice reads « Sélectionnez
    une option » (DSFR wording) instead of Django's dashes."""
    for field in form.fields.values():
        if isinstance(field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
            # django-dsfr sets it again while rendering (dsfr_input_class_attr): refused.
            field.widget.attrs = _AttrsWithoutDsfr(field.widget.attrs)
            field.widget.attrs.pop("dsfr", None)
        _blank_choice_worded(field)
        if isinstance(field, forms.EmailField):
            field.error_messages = {**field.error_messages, "invalid": EMAIL_INVALID}
        if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
            field.error_messages = {**NUMBER_BOUNDS, **field.error_messages}
    form._bound_fields_cache = {}


# A number out of its bounds says what to type (Django: « Assurez-vous que cette valeur est
# supérieure ou égale à 0. »); a field's own messages win.
NUMBER_BOUNDS = {
    "min_value": "Indiquez un nombre égal ou supérieur à %(limit_value)s.",
    "max_value": "Indiquez un nombre égal ou inférieur à %(limit_value)s.",
}


class _AttrsWithoutDsfr(dict):
    """A widget's HTML attributes, where the `dsfr` marker django-dsfr adds is never kept."""

    def __setitem__(self, key, value):
        if key != "dsfr":
            super().__setitem__(key, value)


BLANK_CHOICE = "Sélectionnez une option"


def _blank_choice_worded(field) -> None:
    if not isinstance(field.widget, forms.Select):  # a list; radio buttons have their own
        return
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label is not None:
            field.empty_label = BLANK_CHOICE
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.choices)
        if choices and choices[0][0] == "" and str(choices[0][1]).startswith("---"):
            field.choices = [("", BLANK_CHOICE), *choices[1:]]


def _one_line_to_python(to_python):
    def cleaned(value):
        return to_python(one_line(value) if isinstance(value, str) else value)

    return cleaned


def _one_line_fields(form) -> None:
    """A one-line field (a CharField whose widget is neither a Textarea nor a password) never
    keeps a line break or a control character, even from a request crafted by hand (browsers
    drop them from <input>): each run becomes a space, before the field's validators. Such text
    ends up in email subjects (a line break there makes the email fail) and in one-line formats
    (ICS, CSV). Done when the form is cleaned, so that the fields and widgets a subclass adds
    or changes in its __init__ are taken into account."""
    for field in form.fields.values():
        if (
            isinstance(field, forms.CharField)
            and not isinstance(field.widget, (forms.Textarea, forms.PasswordInput))
            and "to_python" not in vars(field)
        ):
            field.to_python = _one_line_to_python(field.to_python)


# Django's generic messages, worded for people (the error summary puts the field's label
# before each): too long, a choice that is not offered (a tampered page), a date that does not
# exist (« 30/02 »).
WORDED = {"invalid_choice": "Choisissez une des réponses proposées."}
DATE_INVALID = "Date invalide : indiquez une date qui existe, au format JJ/MM/AAAA."


def too_long(limit: int) -> str:
    """« Ce texte est trop long : 2 000 caractères au plus. » (the field keeps the text typed,
    to be shortened)."""
    return f"Ce texte est trop long : {intcomma(limit)} caractères au plus."


def _required_worded(form) -> None:
    """A required field left empty says what to do, by its kind (« Choisissez une réponse. »,
    « Indiquez une date. »…), instead of Django's « Ce champ est obligatoire. »; the error
    summary puts the field's label before it. So do the generic messages of WORDED and of an
    invalid date. Fields with their own message keep it. Done when the form is cleaned, like
    _one_line_fields."""
    default = str(forms.Field.default_error_messages["required"])
    for field in form.fields.values():
        messages = dict(field.error_messages)
        if str(messages.get("required", "")) == default:
            messages["required"] = _required_message(field)
        for code, worded in WORDED.items():
            messages.setdefault(code, worded)
            if str(messages[code]) == str(_django_default(field, code)):
                messages[code] = worded
        field.validators = [
            MaxLengthValidator(v.limit_value, message=too_long(v.limit_value))
            if isinstance(v, MaxLengthValidator) and v.message == MaxLengthValidator.message
            else v
            for v in field.validators
        ]
        if isinstance(field, forms.DateField) and str(messages.get("invalid", "")) == str(
            forms.DateField.default_error_messages["invalid"]
        ):
            messages["invalid"] = DATE_INVALID
        field.error_messages = messages


def _django_default(field, code: str):
    """Django's own message for that code and field kind, if any."""
    for klass in type(field).__mro__:
        message = getattr(klass, "default_error_messages", {}).get(code)
        if message is not None:
            return message
    return None


def _required_message(field) -> str:
    widget = field.widget
    if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
        return "Choisissez une réponse."
    if isinstance(widget, forms.CheckboxInput):
        return "Cochez cette case pour continuer."
    if isinstance(widget, forms.PasswordInput):
        return "Indiquez le mot de passe."
    if isinstance(field, forms.EmailField) or widget.attrs.get("type") == "email":
        return "Indiquez l'adresse électronique."
    if isinstance(field, forms.DateField) or widget.attrs.get("type") == "date":
        return "Indiquez une date."
    if isinstance(field, forms.TimeField) or widget.attrs.get("type") == "time":
        return "Indiquez une heure."
    if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
        return "Indiquez un nombre."
    return "Renseignez ce champ."


class RenfortBoundField(DsfrBaseForm.bound_field_class):
    """What assistive technologies read of a field, beyond django-dsfr:
    - a field in error stays described by its hint as well as by its error message
      (django-dsfr replaces the hint with the error in aria-describedby);
    - a required list whose first choice is a real value (no empty placeholder) gets no HTML
      `required` from Django: it is marked `aria-required` instead, as its « * » says."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if self.help_text and self.errors and not isinstance(widget, forms.RadioSelect):
            attrs["aria-describedby"] = f"{self.id_for_label}_helptext {self.auto_id}-desc-error"
        if self.field.required and isinstance(widget, forms.Select) and not attrs.get("required"):
            attrs["aria-required"] = "true"
        return attrs


class RenfortForm(DsfrBaseForm):
    """DSFR-styled form that marks optional fields (current DSFR guidance) without warnings."""

    default_renderer = DSFR_RENDERER
    bound_field_class = RenfortBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def full_clean(self):
        _one_line_fields(self)
        _required_worded(self)
        super().full_clean()

    def get_context(self):
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class RenfortModelForm(forms.ModelForm):
    """ModelForm with the same DSFR rendering as RenfortForm."""

    template_name = RenfortForm.template_name
    bound_field_class = RenfortForm.bound_field_class
    default_renderer = DSFR_RENDERER

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from dsfr.utils import dsfr_input_class_attr

        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)
        _styled(self)

    def full_clean(self):
        _one_line_fields(self)
        _required_worded(self)
        super().full_clean()

    def get_context(self):
        context = super().get_context()
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


def attach_errors(form, exc: ValidationError, aliases: dict | None = None) -> None:
    """Show a service ValidationError on the form, field by field when the field is on the form
    (`aliases` maps a model field to the form field showing it, e.g. commune → commune_label),
    otherwise as a form-wide error."""
    aliases = aliases or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = aliases.get(field, field)
            target = target if target in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def titled(title: str, *forms, error: bool = False) -> str:
    """The page title says first that the page's forms have errors (RGAA 11.10); `error`: an
    error shown otherwise (a refused action, a field drawn by hand)."""
    if error or any(form is not None and form.errors for form in forms):
        return f"Erreur dans le formulaire — {title}"
    return title
