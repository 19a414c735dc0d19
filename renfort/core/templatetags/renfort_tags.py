from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ actions|get_item:mission.pk }}`: a dict lookup with a variable key."""
    try:
        return mapping.get(key, [])
    except AttributeError:
        return []
