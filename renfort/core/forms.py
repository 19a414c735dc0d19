from django import forms
from dsfr.forms import DsfrBaseForm


class RenfortForm(DsfrBaseForm):
    """DSFR-styled form that marks optional fields (current DSFR guidance) without warnings."""

    def get_context(self):
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class RenfortModelForm(forms.ModelForm):
    """ModelForm with the same DSFR rendering as RenfortForm."""

    template_name = RenfortForm.template_name
    bound_field_class = RenfortForm.bound_field_class
    default_renderer = RenfortForm.default_renderer

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from dsfr.utils import dsfr_input_class_attr

        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)

    def get_context(self):
        context = super().get_context()
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context
