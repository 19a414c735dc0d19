from django import forms

from renfort.core.forms import RenfortForm
from renfort.territories.models import EPCI

from .models import Category


class ZoneAddForm(RenfortForm):
    epci = forms.ModelChoiceField(
        label="Intercommunalité (EPCI)",
        queryset=EPCI.objects.none(),
        error_messages={"invalid_choice": "Choisissez une intercommunalité de votre région."},
    )
    # No preselected category: the first one (« Catégorie 4 ») would otherwise be sent unseen.
    category = forms.ChoiceField(
        label="Catégorie de l'indice de vulnérabilité",
        choices=[("", "Choisissez une catégorie"), *Category.choices],
        help_text="« Catégorie non publiée » si l'arrêté ne la précise pas.",
    )
    reason = forms.CharField(
        label="Motif de l'ajout",
        help_text="Par exemple : arrêté de mise à jour du zonage du … Ce motif est public : "
        "il s'affiche dans l'historique de la zone.",
        widget=forms.Textarea(attrs={"rows": 2}),
        min_length=5,
        max_length=500,
    )

    def __init__(self, *args, region_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["epci"].queryset = EPCI.objects.filter(region_id=region_code).order_by("name")


class ZoneRemoveForm(RenfortForm):
    reason = forms.CharField(
        label="Motif du retrait",
        help_text="Ce motif est public : il s'affiche dans l'historique de la zone.",
        widget=forms.Textarea(attrs={"rows": 2}),
        min_length=5,
        max_length=500,
    )
