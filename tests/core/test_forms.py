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
    for form, name in ((ChoiceForm(), "answer"), (ChoiceModelForm(), "kind")):
        for html in (str(form[name]), str(form), str(form[name])):  # rendered again too
            assert 'type="radio"' in html and "fr-radio-group" in html
            assert "dsfr=" not in html


class ListModelForm(RenfortModelForm):
    other = forms.ModelChoiceField(queryset=Site.objects.none(), label="Autre lieu")

    class Meta:
        model = Site
        fields = ["kind"]


def test_a_drop_down_list_asks_to_choose_in_words_not_dashes():
    html = str(ListModelForm())
    assert html.count('<option value="" selected>Sélectionnez une option</option>') == 2
    assert "---" not in html


class OneLineForm(RenfortForm):
    name = forms.CharField(label="Nom")
    email = forms.EmailField(label="Courriel", required=False)
    body = forms.CharField(label="Message", widget=forms.Textarea)
    password = forms.CharField(label="Mot de passe", widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["added"] = forms.CharField(label="Ajouté", required=False)


class OneLineModelForm(RenfortModelForm):
    class Meta:
        model = Site
        fields = ["name", "practical_info"]


def test_one_line_fields_lose_their_line_breaks_and_control_characters():
    form = OneLineForm(
        {
            "name": " Question\r\nBcc: x@example.org\x00\t\u2028fin ",
            "email": "a@example.org\r\n",
            "body": "Bonjour,\r\nà demain",
            "password": "mot\tde passe",
            "added": "a\rb",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Question Bcc: x@example.org fin"
    assert form.cleaned_data["email"] == "a@example.org"
    assert form.cleaned_data["added"] == "a b"
    # Multi-line fields and passwords are left as typed.
    assert form.cleaned_data["body"] == "Bonjour,\r\nà demain"
    assert form.cleaned_data["password"] == "mot\tde passe"


def test_one_line_model_fields_lose_their_line_breaks():
    form = OneLineModelForm({"name": "Cabinet\r\nATTENDEE:x\rX-INJ:1", "practical_info": "a\nb"})
    form.is_valid()
    assert form.cleaned_data["name"] == "Cabinet ATTENDEE:x X-INJ:1"
    assert form.cleaned_data["practical_info"] == "a\nb"


class RequiredForm(RenfortForm):
    name = forms.CharField(label="Nom")
    kind = forms.ChoiceField(label="Type", choices=[("a", "A"), ("b", "B")])
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    count = forms.IntegerField(label="Nombre")
    agreed = forms.BooleanField(label="J'accepte")
    own = forms.CharField(label="Motif", error_messages={"required": "Indiquez le motif."})


def test_an_empty_required_field_says_what_to_do_unless_it_has_its_own_message():
    form = RequiredForm(data={})
    assert not form.is_valid()
    assert {name: errors[0] for name, errors in form.errors.items()} == {
        "name": "Renseignez ce champ.",
        "kind": "Choisissez une réponse.",
        "day": "Indiquez une date.",
        "count": "Indiquez un nombre.",
        "agreed": "Cochez cette case pour continuer.",
        "own": "Indiquez le motif.",
    }


class BoundedForm(RenfortForm):
    days = forms.IntegerField(label="Jours", min_value=0, max_value=31)
    own = forms.IntegerField(
        label="Salles", min_value=1, error_messages={"min_value": "Au moins 1."}
    )


class BoundedModelForm(RenfortModelForm):
    class Meta:
        model = Site
        fields = ["volunteer_days_wanted"]


def test_a_number_out_of_bounds_says_what_to_type():
    form = BoundedForm(data={"days": "-1", "own": "0"})
    assert not form.is_valid()
    assert form.errors["days"] == ["Indiquez un nombre égal ou supérieur à 0."]
    assert form.errors["own"] == ["Au moins 1."]
    assert BoundedForm(data={"days": "40", "own": "2"}).errors["days"] == [
        "Indiquez un nombre égal ou inférieur à 31."
    ]
    model_form = BoundedModelForm(data={"volunteer_days_wanted": "-1"})
    assert model_form.errors["volunteer_days_wanted"] == [
        "Indiquez un nombre égal ou supérieur à 0."
    ]
