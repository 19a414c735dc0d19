from django.conf import settings

from .navigation import nav_items


def renfort(request):
    """Values every page needs: the site name and the navigation of the user's space."""
    user = getattr(request, "user", None)
    return {
        "SITE_CONFIG": None,
        "site_name": "Renfort",
        "site_tagline": "Un médecin près de chez vous — solidarité territoriale",
        "renfort_debug": settings.DEBUG,
        "renfort_demo": settings.RENFORT_DEMO,
        "nav_items": nav_items(request) if user is not None else [],
        "current_role": getattr(user, "role", None) if user and user.is_authenticated else None,
    }
