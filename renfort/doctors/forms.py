"""Forms of the doctors app. They only check input shape; rules live in services."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from renfort.accounts.forms import new_password_check, new_password_fields
from renfort.core.forms import (
    CHECKBOX_TEMPLATE,
    OPTIONAL,
    IdsChoiceField,
    RenfortForm,
    RenfortModelForm,
)
from renfort.core.workflow import COMMENT_LIMIT
from renfort.sites.models import Site
from renfort.territories.models import Commune
from renfort.territories.selectors import commune_typed
from renfort.zoning.models import PriorityZone

from . import selectors
from .checks import (
    COVERAGE_FIELDS,
    HOURS_RANGE,
    PREFERENCE_FIELDS,
    PROFILE_FIELDS,
    SLOT_MINUTES_RANGE,
    TRAVEL_MINUTES_RANGE,
    AvailabilityEntry,
    availabilities_check,
    doctor_check,
)
from .completion import IDENTITY_FIELDS
from .models import (
    BILLING_NUMBER_RULE,
    AvailabilityPeriod,
    CoverageMode,
    Doctor,
    availability_horizon,
    availability_horizon_text,
)

# Consultation hours: within HOURS_RANGE (checks.py), said by the browser's picker too.
TIME_WIDGET = forms.TimeInput(
    attrs={
        "type": "time",
        "min": HOURS_RANGE[0].strftime("%H:%M"),
        "max": HOURS_RANGE[1].strftime("%H:%M"),
    },
    format="%H:%M",
)
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SIGNUP_AVAILABILITY_ROWS = 8

PREFERENCE_FORM_FIELDS = list(PREFERENCE_FIELDS)


def bounded(field: forms.Field, bounds: tuple[int, int], message: str) -> None:
    """A number field's range: the browser's bounds, and the same message for any number out
    of range (rather than Django's « supérieure ou égale à 0 » for a negative one). The
    service checks the range too."""
    low, high = bounds
    field.widget.attrs.update({"min": low, "max": high})
    field.error_messages["min_value"] = field.error_messages["max_value"] = message


# Number fields with a range: (bounds, what is said out of range, browser step).
MINUTES_FIELDS = {
    "slot_minutes": (SLOT_MINUTES_RANGE, "La durée d'un créneau va de {} à {} minutes.", 5),
    "max_travel_minutes": (
        TRAVEL_MINUTES_RANGE,
        "Le temps de trajet maximal va de {} à {} minutes.",
        None,
    ),
}


def bound_minutes(form: forms.Form) -> None:
    for name, (bounds, message, step) in MINUTES_FIELDS.items():
        if name in form.fields:
            bounded(form.fields[name], bounds, message.format(*bounds))
            if step:
                form.fields[name].widget.attrs["step"] = step


HELP_TEXTS = {
    "max_days_per_month": "Le dispositif prévoit au plus 2 jours par mois. Vous pouvez "
    "proposer plus de dates : l'ARS n'en retiendra pas davantage.",
    "slot_minutes": "De 10 à 60 minutes, par 5 minutes ; 20 minutes par défaut. Horaires entre "
    "7 h 00 et 21 h 00. La durée et les horaires s'appliquent aussi aux créneaux de vos missions "
    "confirmées à venir, dès l'enregistrement : les rendez-vous déjà pris sont gardés à leur "
    "heure, et des horaires qui en laisseraient un en dehors sont refusés.",
    "max_travel_minutes": "De 15 à 240 minutes, estimées depuis votre commune d'exercice.",
    "practice_address": "Numéro et rue de votre cabinet principal.",
    "sector": "Quel que soit votre secteur, les consultations de solidarité sont facturées au "
    "tarif de la Sécurité sociale (secteur 1), sans dépassement d'honoraires.",
}


def _site_label(site: Site) -> str:
    return f"{site.name} — {site.commune.name} ({site.departement_id})"


def written_field(label: str, *, subject: str, rows: int, help_text: str = "") -> forms.Field:
    """A text a person writes (a reason, a request, an answer), optional, at most
    COMMENT_LIMIT characters: « La demande doit tenir en 1 000 caractères : raccourcissez-la. »"""
    pronoun = "la" if subject.startswith("La ") else "le"
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=COMMENT_LIMIT,
        error_messages={
            "max_length": f"{subject} doit tenir en {COMMENT_LIMIT:,} caractères : "
            f"raccourcissez-{pronoun}.".replace(",", "\u202f")
        },
    )


class CoverageFields(forms.Form):
    """Zones or travel radius, and preferred host sites (shared by sign-up and space)."""

    zones = IdsChoiceField(
        label="Zones prioritaires que vous pouvez couvrir",
        queryset=PriorityZone.objects.current(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    preferred_sites = IdsChoiceField(
        label="Lieux d'accueil préférés" + OPTIONAL,
        help_text="Cochez ceux où vous aimeriez aller, le calcul du planning en tient compte. "
        "Vous pourrez les changer depuis votre espace.",
        queryset=Site.objects.active(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def setup_coverage(self):
        field = self.fields["preferred_sites"]
        field.queryset = selectors.preferred_site_choices()
        field.label_from_instance = _site_label
        self.fields["coverage_mode"].widget = forms.RadioSelect(choices=CoverageMode.choices)
        # The zones are drawn by hand (grouped by region): the error summary links to them.
        self.fields["zones"].widget.attrs["data-error-target"] = "zones-first"  # focusable
        self.fields["preferred_sites"].widget.attrs["data-error-target"] = "sites-first"

    def _chosen(self, name: str) -> set[str]:
        return {str(v.pk if hasattr(v, "pk") else v) for v in self[name].value() or []}

    def zone_groups(self):
        """[(region, [(id, label, checked)])] for the grouped zone checkboxes."""
        chosen = self._chosen("zones")
        return [
            (region, [(zone.pk, zone.epci.name, str(zone.pk) in chosen) for zone in zones])
            for region, zones in selectors.zones_by_region()
        ]

    def site_groups(self):
        """The preferred sites the same way (about 80 sites in France: a list of checkboxes
        per region instead of a Ctrl-click list, which phones cannot use)."""
        chosen = self._chosen("preferred_sites")
        groups: dict[str, list] = {}
        for site in self.fields["preferred_sites"].queryset:
            groups.setdefault(site.region.name if site.region_id else "Autres", []).append(
                (site.pk, _site_label(site), str(site.pk) in chosen)
            )
        return list(groups.items())


class SignupForm(RenfortModelForm):
    """The whole sign-up (account + volunteer), availabilities apart (AvailabilityFormSet)."""

    email = forms.EmailField(
        label="Adresse électronique (identifiant de connexion)",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1, password2 = new_password_fields()
    rpps = forms.CharField(
        label="Numéro RPPS",
        max_length=20,
        help_text="11 chiffres, sur votre carte CPS.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label="Téléphone mobile",
        max_length=25,
        help_text="06 ou 07, par exemple 06 12 34 56 78.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    commune_label = forms.CharField(
        label="Commune d'exercice",
        help_text="Tapez les premières lettres du nom ou le code postal, puis choisissez.",
        required=False,
    )
    practice_commune = forms.ModelChoiceField(
        queryset=Commune.objects.in_programme(),
        to_field_name="code_insee",
        widget=forms.HiddenInput,
        required=False,
    )
    zones = CoverageFields.base_fields["zones"]
    preferred_sites = CoverageFields.base_fields["preferred_sites"]
    # Never rendered: it carries the errors of the availability rows (a formset) so that the
    # error summary lists them in the page's order, linked to the first row in error.
    availabilities = forms.CharField(
        label="Vos disponibilités",
        required=False,
        widget=forms.HiddenInput(attrs={"id": "availability-rows"}),
    )
    consent = forms.BooleanField(
        label="J'accepte que mes informations soient transmises à l'ARS, au conseil "
        "départemental de l'Ordre et à l'Assurance Maladie pour le dispositif",
        required=True,
        error_messages={"required": "Votre accord est nécessaire pour vous inscrire."},
    )
    # The order of the page (signup.html): the error summary lists the errors in this order.
    field_order = [
        "civility",
        "first_name",
        "last_name",
        "email",
        "phone",
        "password1",
        "password2",
        "rpps",
        "specialty",
        "sector",
        "practice_status",
        "practice_address",
        "commune_label",
        "practice_commune",
        "coverage_mode",
        "max_travel_minutes",
        "zones",
        "preferred_sites",
        "availabilities",
        *PREFERENCE_FORM_FIELDS,
        "insurance_confirmed",
        "consent",
    ]

    setup_coverage = CoverageFields.setup_coverage
    _chosen = CoverageFields._chosen
    zone_groups = CoverageFields.zone_groups
    site_groups = CoverageFields.site_groups

    class Meta:
        model = Doctor
        fields = [
            *PROFILE_FIELDS,
            *COVERAGE_FIELDS,
            *PREFERENCE_FORM_FIELDS,
            "insurance_confirmed",
        ]
        widgets = {
            "morning_start": TIME_WIDGET,
            "morning_end": TIME_WIDGET,
            "afternoon_start": TIME_WIDGET,
            "afternoon_end": TIME_WIDGET,
            "max_days_per_month": forms.RadioSelect,
            # RGAA 11.13: the browser fills in the person's own details.
            "civility": forms.Select(attrs={"autocomplete": "honorific-prefix"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }
        help_texts = HELP_TEXTS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_coverage()
        self.fields["commune_label"].widget.attrs.update(
            {"data-autocomplete-target": "id_practice_commune", "autocomplete": "off"}
        )
        self.fields["insurance_confirmed"].required = True
        self.fields["insurance_confirmed"].error_messages["required"] = (
            "Confirmez que votre assurance responsabilité civile professionnelle couvre "
            "cette activité."
        )
        bound_minutes(self)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.template_name = CHECKBOX_TEMPLATE

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        if not data.get("practice_commune"):  # no suggestion picked (no script, or typed)
            try:
                data["practice_commune"] = commune_typed(data.get("commune_label", ""))
            except ValidationError as exc:
                self.add_error("commune_label", exc)
        new_password_check(self, data, account_fields=("email", "first_name", "last_name"))
        return data

    def _post_clean(self):
        # Rules (RPPS, phone, coverage…) are checked by the service, with French messages.
        pass

    def doctor_data(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in self.Meta.fields}

    def add_rule_errors(self) -> None:
        """On an invalid form, the service's rules (RPPS key, mobile phone,
        hours, territory…) on the fields the form found valid: every error
        in one round (the availability dates: `check_availabilities`)."""
        valid = {k: v for k, v in self.doctor_data().items() if k in self.cleaned_data}
        errors: dict[str, list[str]] = {}
        try:
            doctor_check(
                data=valid,
                zones=self.cleaned_data.get("zones") or (),
                partial=True,
                rpps_holder_said=False,  # never told on the public form (doctor_signup)
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
        for field, messages in errors.items():
            if field in self.fields and field not in self.errors:
                for error in messages:
                    self.add_error(field, error)

    def check_availabilities(self, formset) -> bool:
        """The service's date rules (from tomorrow to the horizon) on each row of the formset,
        whatever the rest of the page: each error shows on its row, and every row error in the
        error summary (field `availabilities`, linked to the first row in error)."""
        first = None
        for row in formset.forms:
            entry = row.entry() if row.is_valid() else None
            if entry is not None:
                try:
                    availabilities_check([entry])
                except ValidationError as exc:
                    for error in exc.messages:
                        row.add_error("date", error)
            for error in row.errors.get("date", []) + row.errors.get("period", []):
                first = first or row["date"].auto_id
                self.add_error("availabilities", error)
        for error in formset.non_form_errors():
            self.add_error("availabilities", error)
        if first:
            self.fields["availabilities"].widget.attrs["id"] = first
        return "availabilities" not in self.errors


class AvailabilityForm(RenfortForm):
    date = forms.DateField(label="Date", widget=DATE_WIDGET, required=False)
    period = forms.ChoiceField(
        label="Période", choices=AvailabilityPeriod.choices, initial=AvailabilityPeriod.FULL
    )

    def entry(self) -> AvailabilityEntry | None:
        day = self.cleaned_data.get("date")
        return AvailabilityEntry(day, self.cleaned_data["period"]) if day else None


class BaseAvailabilityFormSet(forms.BaseFormSet):
    def entries(self) -> list[AvailabilityEntry]:
        return [e for f in self.forms if f.cleaned_data and (e := f.entry())]


AvailabilityFormSet = forms.formset_factory(
    AvailabilityForm,
    formset=BaseAvailabilityFormSet,
    extra=SIGNUP_AVAILABILITY_ROWS,
    max_num=40,
    validate_max=True,
)


class AvailabilityAddForm(RenfortForm):
    date = forms.DateField(
        label="Date",
        widget=DATE_WIDGET,
        error_messages={
            "required": "Indiquez la date à ajouter.",
            "invalid": "Date invalide : choisissez-la dans le calendrier ou écrivez-la JJ/MM/AAAA.",
        },
    )
    period = forms.ChoiceField(
        label="Période", choices=AvailabilityPeriod.choices, initial=AvailabilityPeriod.FULL
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()  # the service's rule, said and set on the date picker
        self.fields["date"].help_text = f"À partir de demain, {availability_horizon_text(today)}."
        self.fields["date"].widget.attrs["max"] = f"{availability_horizon(today):%Y-%m-%d}"


class CoverageForm(RenfortModelForm):
    zones = CoverageFields.base_fields["zones"]
    preferred_sites = CoverageFields.base_fields["preferred_sites"]
    setup_coverage = CoverageFields.setup_coverage
    _chosen = CoverageFields._chosen
    zone_groups = CoverageFields.zone_groups
    site_groups = CoverageFields.site_groups

    class Meta:
        model = Doctor
        fields = ["coverage_mode", "max_travel_minutes"]
        help_texts = HELP_TEXTS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_coverage()
        bound_minutes(self)
        if self.instance.pk and not self.is_bound:
            self.initial["zones"] = list(self.instance.zones.all())
            self.initial["preferred_sites"] = list(self.instance.preferred_sites.all())

    def _post_clean(self):
        pass


class PreferencesForm(RenfortModelForm):
    phone = forms.CharField(
        label="Téléphone mobile",
        max_length=25,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    class Meta:
        model = Doctor
        fields = ["phone", *PREFERENCE_FORM_FIELDS]
        widgets = {
            "morning_start": TIME_WIDGET,
            "morning_end": TIME_WIDGET,
            "afternoon_start": TIME_WIDGET,
            "afternoon_end": TIME_WIDGET,
            "max_days_per_month": forms.RadioSelect,
        }
        help_texts = HELP_TEXTS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["phone"] = self.instance.phone_display
        bound_minutes(self)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.template_name = CHECKBOX_TEMPLATE

    def _post_clean(self):
        pass


class ProfileForm(RenfortModelForm):
    """The doctor's identity and practice, and the answer to a « demande de complément »
    (completion.doctor_profile_update checks the rules). Names and RPPS are shown but locked
    once the Ordre has recorded the activity, unless an agent asked for a correction."""

    rpps = SignupForm.base_fields["rpps"]
    commune_label = SignupForm.base_fields["commune_label"]
    practice_commune = SignupForm.base_fields["practice_commune"]
    message = written_field(
        "Votre message à l'agent",
        subject="Le message",
        rows=3,
        help_text="Facultatif si vous corrigez votre dossier ci-dessus ; sinon, répondez ici.",
    )
    field_order = [*PROFILE_FIELDS, "commune_label", "practice_commune", "message"]

    class Meta:
        model = Doctor
        fields = [f for f in PROFILE_FIELDS if f != "phone"]
        widgets = SignupForm.Meta.widgets
        help_texts = HELP_TEXTS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        doctor = self.instance
        self.fields["commune_label"].widget.attrs.update(
            {"data-autocomplete-target": "id_practice_commune", "autocomplete": "off"}
        )
        if not self.is_bound:
            self.initial["practice_commune"] = doctor.practice_commune.code_insee
            self.initial["commune_label"] = doctor.practice_commune.label
        if not doctor.identity_editable:
            for name in IDENTITY_FIELDS:
                self.fields[name].disabled = True  # shown; what is posted is ignored
        if not doctor.completion_pending:
            del self.fields["message"]

    def clean(self):
        data = super().clean()
        commune = data.get("practice_commune")
        typed = " ".join(data.get("commune_label", "").split())
        # Without script, a new name typed over the old one leaves the old hidden code.
        if commune is None or (typed and typed != commune.label):
            try:
                data["practice_commune"] = commune_typed(typed)
            except ValidationError as exc:
                self.add_error("commune_label", exc)
        return data

    def _post_clean(self):
        pass

    def profile_data(self) -> dict:
        return {
            k: self.cleaned_data[k]
            for k in (*self.Meta.fields, "practice_commune")
            if k in self.cleaned_data
        }


class TokenForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class TransitionForm(RenfortForm):
    to_status = forms.CharField(widget=forms.HiddenInput)
    # The status the page showed: the action is refused if it changed meanwhile.
    from_status = forms.CharField(widget=forms.HiddenInput, required=False, max_length=30)
    comment = written_field("Motif ou commentaire", subject="Le motif", rows=2)
    # Spaces are ignored (« 12 34 56 78 »): the service checks the 4 to 20 letters or digits.
    billing_number = forms.CharField(
        label="Numéro de facturation",
        required=False,
        max_length=30,
        error_messages={"max_length": BILLING_NUMBER_RULE},
    )

    # The fields a person types: their errors are shown on the field, the text kept.
    TYPED = ("billing_number", "comment")


class CompletionForm(RenfortForm):
    """An agent's « demande de complément » (completion.completion_request checks it)."""

    from_status = forms.CharField(widget=forms.HiddenInput, required=False, max_length=30)
    message = written_field(
        "Ce que le médecin doit corriger ou compléter", subject="La demande", rows=3
    )
