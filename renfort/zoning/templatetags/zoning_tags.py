from django import template

register = template.Library()


@register.filter
def percent_of(part, whole) -> str:
    """« 12,3 % » (French decimal comma) or an empty string when the total is unknown."""
    try:
        value = 100 * float(part) / float(whole)
    except (TypeError, ValueError, ZeroDivisionError):
        return ""
    return f"{value:.1f} %".replace(".", ",")
