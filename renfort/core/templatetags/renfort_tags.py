from django import template

from renfort.core.forms import OPTIONAL

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ actions|get_item:mission.pk }}`: a dict lookup with a variable key."""
    try:
        return mapping.get(key, [])
    except AttributeError:
        return []


@register.inclusion_tag("core/_error_summary.html")
def error_summary(*forms):
    """`{% error_summary form other_form %}`: one summary of every error of the page's forms,
    each linked to its field, that takes the focus (RGAA 11.10, 11.11)."""
    errors = []
    for form in forms:
        if not form or not getattr(form, "errors", None):
            continue
        for field in form:
            target = (
                field.field.widget.attrs.get("data-error-target")  # fields drawn by hand
                or field.id_for_label
                or f"{field.auto_id}_0"
            )
            label = str(field.label).removesuffix(OPTIONAL).rstrip(" .:")
            # « Nom : Renseignez ce champ. », « Avez-vous un médecin traitant ? Choisissez… »
            label += "" if label.endswith(("?", "!")) else " :"
            errors += [(target, label, error) for error in field.errors]
        errors += [("", "", error) for error in form.non_field_errors()]
    return {"errors": errors}
