"""Template filters of the planning pages and emails."""

from django import template

from renfort.core import text

register = template.Library()


@register.filter
def count(n, forms: str) -> str:
    """`{{ covered|count:"zone couverte,zones couvertes" }}` → « 0 zone couverte », « 2 zones
    couvertes »: French plurals (0 and 1 take the singular), unlike `pluralize`."""
    singular, plural = forms.split(",", 1)
    return text.count(int(n), singular, plural)
