"""Forms of the booking app. They check input shape; rules live in services."""

import re
import uuid

from django import forms
from django.core.exceptions import ValidationError

from renfort.core.forms import OPTIONAL, RenfortForm
from renfort.core.text import DAY_FORMATS

from .models import AppointmentStatus
from .selectors import search_day_error
from .services import (
    CONSENT_REQUIRED,
    REASON_MAX,
    contact_parse,
    patient_check,
    waitlist_period_errors,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PERIODS = [("", "Toute la journée"), ("morning", "Le matin"), ("afternoon", "L'après-midi")]
# The API's values (demi_journee=matin…) in a link to the page mean the same thing.
PERIOD_ALIASES = {"matin": "morning", "apres-midi": "afternoon", "après-midi": "afternoon"}
PERIOD_INVALID = "Demi-journée inconnue : choisissez toute la journée, le matin ou l'après-midi."


class PeriodField(forms.ChoiceField):
    def to_python(self, value):
        value = super().to_python(value).strip().lower()
        return PERIOD_ALIASES.get(value, value)


YES_NO = [("oui", "Oui"), ("non", "Non")]


INSEE_CODE = re.compile(r"[0-9][0-9AB][0-9]{3}")


class SearchForm(RenfortForm):
    """Public search (GET): commune name or postcode, or the browser's position."""

    q = forms.CharField(
        label="Commune ou code postal",
        help_text="Par exemple : Lacaune ou 81230.",
        required=False,
        max_length=80,
    )
    commune = forms.CharField(required=False, widget=forms.HiddenInput, max_length=80)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    date = forms.DateField(
        label="Date", required=False, widget=DATE_WIDGET, input_formats=DAY_FORMATS
    )
    period = PeriodField(
        label="Demi-journée",
        choices=PERIODS,
        required=False,
        error_messages={"invalid_choice": PERIOD_INVALID},
    )
    proximity = forms.BooleanField(
        label="Afficher d'abord les lieux les plus proches (même hors de ma zone)", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"autocomplete": "off", "data-autocomplete-target": "id_commune"}
        )

    def clean_commune(self):
        code = self.cleaned_data.get("commune", "").strip()
        if code and not INSEE_CODE.fullmatch(code):
            # Not an INSEE code (a name written in a link, as the API's `commune`): searched as
            # the typed text, never an error on a field the page does not show.
            if not self.cleaned_data.get("q"):
                self.cleaned_data["q"] = code
            return ""
        return code

    def clean_date(self):
        day = self.cleaned_data.get("date")
        error = search_day_error(day)
        if error:
            raise ValidationError(error)
        return day

    def clean(self):
        data = super().clean()
        position = [data.get("lat"), data.get("lon")]
        if "lat" in self.errors or "lon" in self.errors or (None in position and any(position)):
            self.add_error(
                "q",
                "Votre position n'a pas pu être lue : indiquez une commune ou un code postal.",
            )
        return data

    @property
    def has_origin(self) -> bool:
        data = self.cleaned_data
        return bool(
            data.get("q")
            or data.get("commune")
            or (data.get("lat") is not None and data.get("lon") is not None)
        )


class LostLinkForm(RenfortForm):
    """« Retrouver mon rendez-vous »: the phone or the email given when booking."""

    contact = forms.CharField(
        label="Téléphone mobile ou adresse électronique",
        help_text="Le numéro ou l'adresse donnés lors de la prise de rendez-vous, par "
        "exemple 06 12 34 56 78 ou nom@exemple.fr.",
        max_length=254,
        required=False,  # the service's message, not Django's
    )

    def clean_contact(self):
        return contact_parse(self.cleaned_data["contact"])


class TokenForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


DATE_INVALID = "Date invalide : choisissez-la dans le calendrier ou écrivez-la JJ/MM/AAAA."


def date_field(label: str, missing: str) -> forms.DateField:
    """A required date (calendar widget) with its French messages."""
    return forms.DateField(
        label=label,
        widget=DATE_WIDGET,
        input_formats=DAY_FORMATS,
        error_messages={"required": missing, "invalid": DATE_INVALID},
    )


SHORT_YEAR = re.compile(r"^\s*\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2}\s*$")


class BirthDateField(forms.DateField):
    """A birth date typed or picked: JJ/MM/AAAA (also with - or .) or the picker's AAAA-MM-JJ.
    A two-digit year is refused rather than guessed (48: 1948 or 2048?)."""

    input_formats = DAY_FORMATS

    def to_python(self, value):
        if isinstance(value, str) and SHORT_YEAR.match(value):
            raise forms.ValidationError(
                "Écrivez l'année de naissance en entier (4 chiffres), par exemple 17/05/1948.",
                code="short_year",
            )
        return super().to_python(value)


class PatientForm(RenfortForm):
    contact_for = "la confirmation"  # what the phone or the email is for (patient_check)

    # autocomplete: the browser fills in the patient's own data (RGAA 11.13).
    last_name = forms.CharField(
        label="Nom",
        max_length=100,
        error_messages={"required": "Indiquez votre nom."},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    first_name = forms.CharField(
        label="Prénom",
        max_length=100,
        error_messages={"required": "Indiquez votre prénom."},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    birth_date = BirthDateField(
        label="Date de naissance",
        help_text="Au format JJ/MM/AAAA, par exemple 17/05/1970.",
        widget=forms.DateInput(
            attrs={**DATE_WIDGET.attrs, "autocomplete": "bday"}, format=DATE_WIDGET.format
        ),
        error_messages={
            "required": "Indiquez votre date de naissance.",
            "invalid": "Date de naissance invalide : écrivez-la JJ/MM/AAAA, par exemple "
            "17/05/1970.",
        },
    )
    phone = forms.CharField(
        label="Téléphone mobile",
        help_text="Pour recevoir la confirmation et le rappel par SMS. Par exemple 06 12 34 56 78.",
        max_length=25,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.CharField(
        label="Adresse électronique",
        help_text="Pour recevoir la confirmation avec le fichier d'agenda. "
        "Indiquez au moins le téléphone ou l'adresse électronique.",
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "email"}),
    )
    has_medecin_traitant = forms.ChoiceField(
        label="Avez-vous un médecin traitant ?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez si vous avez un médecin traitant."},
        help_text="Une partie des créneaux est réservée aux personnes sans médecin traitant "
        "ou en affection de longue durée (ALD).",
    )
    is_ald = forms.BooleanField(
        label="Je suis en affection de longue durée (ALD)",
        help_text="Maladie chronique prise en charge à 100\u00a0% par l'Assurance Maladie.",
        required=False,
    )
    consent = forms.BooleanField(
        label="J'ai lu la notice d'information sur mes données personnelles et j'accepte "
        "leur traitement pour ce rendez-vous.",
        # Required (marked « * » like the other required fields), with the service's message:
        # the service checks it too.
        error_messages={"required": CONSENT_REQUIRED},
    )

    def patient_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["has_medecin_traitant"] = data.get("has_medecin_traitant") == "oui"
        return data

    def add_rule_errors(self) -> None:
        """On an invalid form, the service's rules (phone or email, consent…) on the fields
        the form found valid: every error shows in one round."""
        data = self.patient_data()
        for field in ("phone", "email"):  # typed but refused: not « give one of the two »
            if field in self.errors:
                data[field] = self.data.get(self.add_prefix(field), "")
        try:
            patient_check(
                data=data,
                consent=bool(self.cleaned_data.get("consent")),
                contact_for=self.contact_for,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                if field in self.fields and field not in self.errors:
                    for error in errors:
                        self.add_error(field, error)


class BookingForm(PatientForm):
    reason = forms.CharField(
        label="Motif en quelques mots" + OPTIONAL,
        help_text=f"Par exemple : renouvellement d'ordonnance, fièvre, certificat. "
        f"Pas de détail médical ({REASON_MAX} caractères au plus).",
        max_length=REASON_MAX,
        required=False,
        widget=forms.TextInput(attrs={"maxlength": REASON_MAX}),
    )
    field_order = [
        "last_name",
        "first_name",
        "birth_date",
        "phone",
        "email",
        "has_medecin_traitant",
        "is_ald",
        "reason",
        "consent",
    ]


class WaitlistForm(PatientForm):
    contact_for = "les créneaux libérés"
    start_date = date_field("Disponible à partir du", "Indiquez la première date.")
    end_date = date_field("Disponible jusqu'au", "Indiquez la dernière date.")
    field_order = ["start_date", "end_date", *BookingForm.field_order]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "phone"
        ].help_text = (
            "Pour recevoir par SMS les créneaux qui se libèrent. Par exemple 06 12 34 56 78."
        )
        self.fields["email"].help_text = (
            "Pour recevoir par courriel les créneaux qui se libèrent. "
            "Indiquez au moins le téléphone ou l'adresse électronique."
        )
        self.fields["consent"].label = (
            "J'ai lu la notice d'information sur mes données personnelles et j'accepte "
            "leur traitement pour cette inscription sur la liste d'attente."
        )

    def add_rule_errors(self) -> None:
        super().add_rule_errors()
        self.add_period_errors()

    def add_period_errors(self) -> None:
        """The period's rules (end before start, too long…) next to the other errors, on dates
        the form read: an invalid phone no longer hides a wrong period until it is fixed."""
        start, end = self.cleaned_data.get("start_date"), self.cleaned_data.get("end_date")
        if start is None or end is None:
            return
        for field, errors in waitlist_period_errors(start_date=start, end_date=end).items():
            if field not in self.errors:
                for error in errors:
                    self.add_error(field, error)


class MarkForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            ("seen", "Vu"),
            ("excused", "Excusé"),
            ("no_show", "Absent"),
            ("cancelled", "Annulé"),
            ("booked", "À marquer"),  # a mark erased
        ]
    )
    block_slot = forms.BooleanField(required=False)
    # The status the row showed when its button was pressed: another tab or person may have
    # marked it meanwhile (the service refuses then). Blank from an older page: not checked.
    shown = forms.ChoiceField(choices=AppointmentStatus.choices, required=False)
    reason = forms.CharField(
        max_length=300,
        required=False,
        error_messages={
            "max_length": "Le motif doit tenir en %(limit_value)d caractères (il en a "
            "%(show_value)d) : raccourcissez-le."
        },
    )


class WalkInForm(RenfortForm):
    # The same form sent twice (retry, Back) adds the patient once.
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    last_name = forms.CharField(
        label="Nom", max_length=100, error_messages={"required": "Indiquez le nom du patient."}
    )
    first_name = forms.CharField(
        label="Prénom",
        max_length=100,
        error_messages={"required": "Indiquez le prénom du patient."},
    )
    time = forms.TimeField(
        label="Heure",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": "Indiquez l'heure de passage.",
            "invalid": "Heure invalide : écrivez-la HH:MM, par exemple 10:20.",
        },
    )
