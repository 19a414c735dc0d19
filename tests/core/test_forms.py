"""The shared DSFR forms: a subclass may change its fields after the DSFR styling."""

from django import forms

from renfort.core.forms import RenfortForm, RenfortModelForm
from renfort.sites.models import Site


class RelabelledForm(RenfortForm):
    name = forms.CharField(label="Nom")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = "Nom du lieu"


class RelabelledModelForm(RenfortModelForm):
    class Meta:
        model = Site
        fields = ["phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].label = "Téléphone"


def test_a_label_changed_after_the_styling_is_the_one_rendered():
    assert RelabelledForm()["name"].label == "Nom du lieu"
    bound = RelabelledModelForm()["phone"]
    assert bound.label == "Téléphone" and 'class="fr-input"' in str(bound)


class ChoiceForm(RenfortForm):
    answer = forms.ChoiceField(choices=[("oui", "Oui"), ("non", "Non")], widget=forms.RadioSelect)


class ChoiceModelForm(RenfortModelForm):
    class Meta:
        model = Site
        fields = ["kind"]
        widgets = {"kind": forms.RadioSelect}


def test_radio_buttons_carry_no_invalid_attribute():
    for html in (str(ChoiceForm()["answer"]), str(ChoiceModelForm()["kind"])):
        assert 'type="radio"' in html and "fr-radio-group" in html
        assert "dsfr=" not in html
