"""The emails of the sites app: to the manager on each status change, to the region's ARS
agents about a site (declared, its public identity changed by its manager…)."""

from django.template.loader import render_to_string
from django.utils import timezone

from renfort.accounts.models import Role, User
from renfort.accounts.permissions import has_role
from renfort.core.links import absolute_url, set_password_url
from renfort.core.text import lower_first
from renfort.core.validators import format_phone
from renfort.notifications.models import Channel
from renfort.notifications.services import notification_enqueue

from .models import Site, SiteHistory, SiteStatus
from .selectors import ars_agents


def tell_ars_new_site(site: Site) -> None:
    """The region's ARS hears of a site declared online (once its manager's address is
    confirmed, or at once for a manager already known)."""
    site_news_to_ars(
        site,
        kind="site_proposed",
        subject=f"Nouveau lieu d'accueil proposé : {site.name}",
        template="sites/emails/proposed_to_ars.txt",
        dedup_key=f"site-{site.pk}-proposed",
    )


# What patients read of a site (search, booking pages, SMS and emails): changed by its manager
# while it is active, the ARS is told, old and new, and can correct it.
PUBLIC_IDENTITY = {"name": "Nom", "address": "Adresse", "commune": "Commune", "phone": "Téléphone"}


def tell_ars_identity_changed(site: Site, actor: User, before: dict[str, str]) -> None:
    if site.status != SiteStatus.ACTIVE or has_role(actor, Role.ARS_AGENT, Role.ADMIN):
        return
    shown = {"phone": format_phone}  # « 05 58 00 00 00 », as everywhere, not « +33… »
    changes = [
        (label, shown.get(field, str)(before[field]), shown.get(field, str)(getattr(site, field)))
        for field, label in PUBLIC_IDENTITY.items()
        if before[field] != str(getattr(site, field))
    ]
    if not changes:
        return
    moved = any(before[f] != str(getattr(site, f)) for f in ("address", "commune"))
    body = render_to_string(
        "sites/emails/identity_changed_to_ars.txt",
        {
            "site": site,
            "changes": changes,
            "moved": moved,
            "site_url": absolute_url("sites:detail", site.pk),
        },
    )
    ars_notify(
        site,
        kind="site_identity_changed",
        subject=f"Lieu d'accueil modifié par son gestionnaire : {site.name}",
        body=body,
        dedup_key=f"site-{site.pk}-identity-{timezone.now():%Y%m%d%H%M%S%f}",
    )


def site_news_to_ars(site: Site, *, kind: str, subject: str, template: str, dedup_key: str):
    """An email to the ARS about the site: the template gets the site and the link to its page."""
    body = render_to_string(
        template, {"site": site, "site_url": absolute_url("sites:detail", site.pk)}
    )
    ars_notify(site, kind=kind, subject=subject, body=body, dedup_key=dedup_key)


def ars_notify(
    site: Site, *, kind: str, subject: str, body: str, dedup_key: str, reply_to: str = ""
) -> None:
    for agent in ars_agents(site.region_id):
        notification_enqueue(
            kind=kind,
            channel=Channel.EMAIL,
            recipient=agent.email,
            subject=subject,
            body=body,
            dedup_key=f"{dedup_key}-{agent.pk}",
            reply_to=reply_to,
        )


def manager_notify(site: Site, history: SiteHistory, account_created: bool = False) -> None:
    status = lower_first(history.to_label)  # « … : en attente de validation par l'ARS »
    notification_enqueue(
        kind="site_status",
        channel=Channel.EMAIL,
        recipient=site.manager.email,
        subject=f"Votre lieu d'accueil « {site.name} » : {status}",
        body=render_to_string(
            "sites/emails/status_to_manager.txt",
            {
                "site": site,
                "history": history,
                "status": status,
                "account_created": account_created,
                "space_url": absolute_url("sites:manager_space"),
                "set_password_url": set_password_url(site.manager) if account_created else "",
                "reset_url": absolute_url("accounts:password_reset"),
            },
        ),
        dedup_key=f"site-history-{history.pk}-manager",
    )
