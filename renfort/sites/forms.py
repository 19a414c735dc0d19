"""Forms of the sites app. They only check input shape; rules live in services."""

import uuid
from datetime import time

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator

from renfort.accounts.forms import new_password_check, new_password_fields
from renfort.core.forms import CHECKBOX_TEMPLATE, OPTIONAL, RenfortForm, RenfortModelForm, too_long
from renfort.core.validators import format_phone
from renfort.territories.models import Commune
from renfort.territories.selectors import commune_typed
from renfort.zoning.selectors import current_zones

from . import opening
from .models import (
    EQUIPMENT_FIELDS,
    SUPPORT_FIELDS,
    ExceptionPeriod,
    HousingKind,
    OpeningException,
    Site,
)
from .services import (
    BEDS_MISSING,
    EDITABLE_FIELDS,
    MESSAGE_BODY_LIMIT,
    MESSAGE_SUBJECT_LIMIT,
    site_check,
    site_locate,
)
from .validators import SITE_NAME_REQUIRED

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Free texts stored in unbounded TextFields: the forms bound them (no migration needed).
TEXT_LIMITS = {
    "practical_info": 2000,
    "housing_description": 1000,
    "outside_zone_justification": 1000,
}
COMMENT_LIMIT = 1000
# Optional fields whose label already says when to fill them (« si « Autre » », hors zone).
CONDITIONAL_FIELDS = {"kind_label", "outside_zone_justification", "commune_label", "housing_beds"}


def limit_length(field: forms.Field, limit: int) -> None:
    """At most `limit` characters, with a French message and the browser's maxlength."""
    field.max_length = limit
    field.validators.append(MaxLengthValidator(limit, message=too_long(limit)))
    field.widget.attrs["maxlength"] = limit


def mark_optional(form: forms.BaseForm) -> None:
    """« (facultatif) » after the label of each optional field the person types or chooses
    (the page says every other field is required). Checkboxes are never marked: ticking one
    is a choice, not a piece of information to give."""
    for name, field in form.fields.items():
        if field.required or name in CONDITIONAL_FIELDS:
            continue
        if field.widget.is_hidden or isinstance(field.widget, forms.CheckboxInput):
            continue
        if field.label and not str(field.label).endswith(OPTIONAL):
            field.label = f"{field.label}{OPTIONAL}"


def widen(field: forms.CharField, length: int) -> None:
    """Let a field take `length` characters as typed (spaces, dots), the service normalising
    them to the model's shorter value: the form's own « N caractères au plus » check, inherited
    from the model field, goes with the old length."""
    field.max_length = length
    field.widget.attrs["maxlength"] = length
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)] + [
        MaxLengthValidator(length)
    ]


class SiteForm(RenfortModelForm):
    """Description of the site. The commune comes from the autocomplete (hidden INSEE code)."""

    commune_label = forms.CharField(
        label="Commune",
        help_text="Tapez les premières lettres du nom ou le code postal, puis choisissez.",
        required=False,
    )
    commune = forms.ModelChoiceField(
        queryset=Commune.objects.in_programme(),
        to_field_name="code_insee",
        widget=forms.HiddenInput,
        required=False,
    )
    outside_zone_justification = forms.CharField(
        label="Justification de l'ARS (lieu hors zone prioritaire)",
        help_text="Obligatoire si la commune n'est pas dans une zone prioritaire en vigueur.",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    class Meta:
        model = Site
        fields = [f for f in EDITABLE_FIELDS if f not in ("open_on_public_holidays",)]
        widgets = {
            "housing_description": forms.Textarea(attrs={"rows": 2}),
            "practical_info": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }
        labels = {"phone": "Téléphone"}  # stored as +33…, typed as people write it
        help_texts = {
            "finess": "9 caractères, si le lieu en a un (par exemple 750712184).",
            "phone": "Par exemple 05 63 00 00 00.",
            "kind_label": "Seulement si le type est « Autre ».",
            "housing_beds": "Seulement avec un hébergement.",
            "housing_nights": "Par exemple : du lundi soir au jeudi soir.",
            "cpam_name": "Laissé vide, Renfort indique la CPAM du département.",
            "practical_info": "Clés, codes d'accès, arrivée, stationnement… Visible des "
            "médecins volontaires et de l'ARS, pas du public.",
            "housing_description": "Visible des médecins volontaires et de l'ARS, pas du public.",
            "volunteer_days_wanted": "Estimation, pour la carte publique et la planification.",
        }

    # The order of the page (sites/_site_form_fields.html): the error summary follows it.
    field_order = [
        *EDITABLE_FIELDS[:5],  # name … address
        "commune_label",
        "commune",
        "outside_zone_justification",
        *EDITABLE_FIELDS[5:],
    ]

    def __init__(self, *args, allow_outside_zone: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        autocomplete = self.fields["commune_label"].widget.attrs
        autocomplete.update(
            {"data-autocomplete-target": "id_commune", "autocomplete": "off", "class": "fr-input"}
        )
        if self.instance.pk and not self.is_bound:
            self.initial["commune"] = self.instance.commune_id
            self.initial["commune_label"] = self.instance.commune.label
            self.initial["phone"] = format_phone(self.instance.phone)  # as people write it
        self.fields["name"].error_messages["required"] = SITE_NAME_REQUIRED
        widen(self.fields["phone"], 25)  # « +33 (0)5 63 00 00 00 »
        self.fields["finess"].required = False
        widen(self.fields["finess"], 15)  # « 81 000 001 8 » pasted with spaces
        self.fields["cpam_name"].required = False
        self.fields["cpam_departement"].widget = forms.HiddenInput()
        rooms = self.fields["rooms"]
        rooms.min_value = 1
        rooms.widget.attrs["min"] = 1
        # One minimum only (the model field's « ≥ 0 » would repeat the same message).
        rooms.validators = [v for v in rooms.validators if not isinstance(v, MinValueValidator)]
        rooms.validators.append(MinValueValidator(1))
        rooms.error_messages["min_value"] = "Indiquez au moins une salle de consultation."
        # Needed with housing only: the service asks for it then (« au moins 1 »); a negative
        # number gets the same words (not the model field's « égal ou supérieur à 0 »).
        beds = self.fields["housing_beds"]
        beds.required = False
        beds.widget.attrs["min"] = 1
        beds.error_messages["min_value"] = BEDS_MISSING
        if not allow_outside_zone:
            del self.fields["outside_zone_justification"]
        for name, limit in TEXT_LIMITS.items():
            if name in self.fields:
                limit_length(self.fields[name], limit)
        mark_optional(self)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.template_name = CHECKBOX_TEMPLATE

    def clean(self):
        data = super().clean()
        if data.get("housing") == HousingKind.NONE:  # the beds, whatever typed, mean nothing
            self.errors.pop("housing_beds", None)
            data["housing_beds"] = 0
        if not data.get("commune"):  # no suggestion picked (no script, or typed in full)
            try:
                data["commune"] = commune_typed(data.get("commune_label", ""))
            except ValidationError as exc:
                self.add_error("commune_label", exc)
        return data

    def _post_clean(self):
        # Rules (phone, FINESS, zone…) are checked by the service, with French messages.
        pass

    def equipment_fields(self):
        """The equipment and help checkboxes, in their fieldset."""
        return [self[name] for name in (*EQUIPMENT_FIELDS, *SUPPORT_FIELDS)]

    def add_rule_errors(self) -> None:
        """When the page is not valid as a whole, the service's rules (phone, FINESS, rooms,
        housing…) on the fields the form found valid: every error shows in one round, also
        when no commune is chosen yet (then the FINESS is not compared with its département).
        The commune and its zone are checked when everything else is valid."""
        commune = self.cleaned_data.get("commune")
        try:
            site_check(
                data=self.site_data(),
                location=site_locate(commune=commune) if commune else None,
                may_be_outside_zone=True,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                if field in self.fields and field not in self.errors and field in EDITABLE_FIELDS:
                    for error in errors:
                        self.add_error(field, error)

    @property
    def commune_zone(self) -> dict | None:
        """The commune chosen in a form sent back with errors, and its priority zone ("" when
        outside): the page says it again under the field, as it did when the commune was
        picked (None before any choice)."""
        commune = getattr(self, "cleaned_data", {}).get("commune") if self.is_bound else None
        if commune is None:
            return None
        zone = current_zones().filter(epci_id=commune.epci_id).select_related("epci").first()
        return {"name": commune.name, "zone": zone.epci.name if zone else ""}

    def site_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k in EDITABLE_FIELDS}
        if "outside_zone_justification" in self.cleaned_data:
            data["outside_zone_justification"] = self.cleaned_data["outside_zone_justification"]
        return data


class WeeklyPatternForm(RenfortForm):
    """Weekly opening: for each weekday, morning and/or afternoon with hours."""

    open_on_public_holidays = forms.BooleanField(
        label="Ouvert aux volontaires les jours fériés", required=False
    )

    def __init__(self, *args, slots: list[opening.WeeklySlot] = (), **kwargs):
        super().__init__(*args, **kwargs)
        existing = {(s.weekday, s.period): s for s in slots}
        for weekday, day_label in enumerate(opening.WEEKDAY_LABELS):
            for period in opening.PERIODS:
                key = f"d{weekday}_{period}"
                slot = existing.get((weekday, period))
                default_start, default_end = opening.DEFAULT_HOURS[period]
                label = f"{day_label.capitalize()} {opening.PERIOD_LABELS[period]}"
                self.fields[key] = forms.BooleanField(label=label, required=False)
                self.fields[f"{key}_start"] = forms.TimeField(
                    label=f"{label} (début)", required=False, widget=TIME_WIDGET
                )
                self.fields[f"{key}_end"] = forms.TimeField(
                    label=f"{label} (fin)", required=False, widget=TIME_WIDGET
                )
                if not self.is_bound:
                    self.initial[key] = slot is not None
                    self.initial[f"{key}_start"] = slot.start if slot else default_start
                    self.initial[f"{key}_end"] = slot.end if slot else default_end

    def rows(self):
        """For the template: one row per weekday with its morning and afternoon fields."""
        for weekday, day_label in enumerate(opening.WEEKDAY_LABELS):
            cells = []
            for period in opening.PERIODS:
                key = f"d{weekday}_{period}"
                cells.append((self[key], self[f"{key}_start"], self[f"{key}_end"]))
            yield day_label.capitalize(), cells

    def clean(self):
        """Each problem is told on the time field it concerns (RGAA 11.10)."""
        data = super().clean()
        slots, complete = [], True
        for weekday, _ in enumerate(opening.WEEKDAY_LABELS):
            for period in opening.PERIODS:
                key = f"d{weekday}_{period}"
                if not data.get(key):
                    continue
                start, end = data.get(f"{key}_start"), data.get(f"{key}_end")
                for part, value in (("start", start), ("end", end)):
                    if not isinstance(value, time) and not self.has_error(f"{key}_{part}"):
                        self.add_error(f"{key}_{part}", "Indiquez l'heure.")
                if isinstance(start, time) and isinstance(end, time):
                    slots.append(opening.WeeklySlot(weekday, period, start, end))
                else:
                    complete = False
        if not slots and complete:
            raise ValidationError("Cochez au moins une demi-journée d'ouverture aux volontaires.")
        for problem in opening.slot_problems(slots):
            key = f"d{problem.weekday}_{problem.period}_{problem.part}"
            self.add_error(key, problem.message[0].upper() + problem.message[1:])
        data["slots"] = slots
        return data


class AccountForm(RenfortForm):
    """The site manager's account, created with the public declaration."""

    manager_first_name = forms.CharField(
        label="Votre prénom",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    manager_last_name = forms.CharField(
        label="Votre nom",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    manager_email = forms.EmailField(
        label="Votre adresse électronique (identifiant de connexion)",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1, password2 = new_password_fields()

    def clean(self):
        data = super().clean()
        new_password_check(
            self, data, account_fields=("manager_email", "manager_first_name", "manager_last_name")
        )
        return data


class ManagerForm(RenfortForm):
    """An ARS agent declaring a site on behalf of its manager."""

    manager_first_name = forms.CharField(label="Prénom du gestionnaire", max_length=150)
    manager_last_name = forms.CharField(label="Nom du gestionnaire", max_length=150)
    manager_email = forms.EmailField(
        label="Adresse électronique du gestionnaire",
        help_text="Un compte lui est créé ; il choisit son mot de passe par courriel.",
    )


class TokenForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class OpeningExceptionForm(RenfortModelForm):
    class Meta:
        model = OpeningException
        fields = ["kind", "start_date", "end_date", "period", "reason"]
        widgets = {"start_date": DATE_WIDGET, "end_date": DATE_WIDGET}
        labels = {"end_date": "au (pour une fermeture de plusieurs jours)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_date"].required = False
        self.fields["period"].initial = ExceptionPeriod.DAY

    def _post_clean(self):
        pass


class TransitionForm(RenfortForm):
    to_status = forms.CharField(widget=forms.HiddenInput)
    # The status the page showed: the action is refused if it changed meanwhile.
    from_status = forms.CharField(widget=forms.HiddenInput, required=False, max_length=30)
    comment = forms.CharField(
        label="Motif ou commentaire",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self.fields["comment"], COMMENT_LIMIT)


class MessageForm(RenfortForm):
    subject = forms.CharField(
        label="Objet",
        max_length=MESSAGE_SUBJECT_LIMIT,
        error_messages={"required": "Indiquez l'objet de votre message."},
    )
    body = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Écrivez le texte de votre message."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self.fields["body"], MESSAGE_BODY_LIMIT)


class PublicFilterForm(forms.Form):
    region = forms.CharField(required=False)
    epci = forms.CharField(required=False)
    kind = forms.CharField(required=False)
