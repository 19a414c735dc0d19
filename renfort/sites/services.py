"""Use cases that write host sites: declaration, edition, opening days, workflow, messages."""

import uuid
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from renfort.accounts.models import Role, User
from renfort.accounts.permissions import has_role
from renfort.accounts.services import (
    account_pending_discard,
    signup_account_create,
    signup_twin,
    signup_twin_answer,
)
from renfort.core.links import absolute_url
from renfort.core.locks import email_lock
from renfort.core.validators import names_check
from renfort.territories.models import Commune
from renfort.zoning.models import PriorityZone
from renfort.zoning.selectors import zone_for_epci

from . import conflicts, opening
from .duplicates import duplicate_of, refuse_duplicate
from .emails import (
    PUBLIC_IDENTITY,
    ars_notify,
    manager_notify,
    site_news_to_ars,
    tell_ars_identity_changed,
    tell_ars_new_site,
)
from .models import (
    EQUIPMENT_FIELDS,
    REASON_REQUIRED,
    SITE_WORKFLOW,
    SUPPORT_FIELDS,
    HousingKind,
    OpeningException,
    Site,
    SiteHistory,
    SiteKind,
    SiteMessage,
    SiteStatus,
    WeeklyOpening,
)
from .names import default_cpam, french_of  # noqa: F401 (french_of re-exported)
from .permissions import can_act_on_site, can_edit_site
from .validators import (
    finess_errors,
    normalize_finess,
    normalize_phone,
    normalize_site_name,
    site_name_errors,
)

# Fields a declaration or an edition may set (everything else is derived or workflow), in the
# order of the form's page (sites/_site_form_fields.html).
EDITABLE_FIELDS = (
    "name",
    "kind",
    "kind_label",
    "finess",
    "address",
    "rooms",
    "contact_name",
    "phone",
    "email",
    *EQUIPMENT_FIELDS,
    *SUPPORT_FIELDS,
    "software_name",
    "housing",
    "housing_beds",
    "housing_description",
    "housing_nights",
    "housing_accessible",
    "has_parking",
    "pmr_access",
    "cpam_name",
    "cpam_departement",
    "practical_info",
    "volunteers_needed",
    "volunteer_days_wanted",
    "open_on_public_holidays",
)


@dataclass(frozen=True)
class Location:
    """Everything derived from the commune."""

    commune: Commune
    priority_zone: object | None

    @property
    def outside_zone(self) -> bool:
        return self.priority_zone is None


def site_locate(*, commune: Commune) -> Location:
    return Location(commune=commune, priority_zone=zone_for_epci(commune.epci_id))


# A manager's message to the ARS (the form says it too).
MESSAGE_SUBJECT_LIMIT, MESSAGE_BODY_LIMIT = 200, 5000
# Sanity limits of what a site declares.
MAX_ROOMS = 20
MAX_DAYS_WANTED = 62  # two rooms every day of a month


BEDS_MISSING = "Indiquez le nombre de lits de l'hébergement (au moins 1)."


def site_check(*, data: dict, location: Location | None, may_be_outside_zone: bool) -> dict:
    """Validate and normalise site data; raise ValidationError with field-keyed French messages.
    `location` None (no commune chosen yet, on a form with other errors): the rules that do not
    depend on it, so that every error shows in one round."""
    data = dict(data)
    errors: dict[str, list[str]] = {}
    if "name" in data:
        data["name"] = normalize_site_name(data["name"])
        if problems := site_name_errors(data["name"]):
            errors["name"] = problems
    if "phone" in data:
        try:
            data["phone"] = normalize_phone(data["phone"])
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if data.get("finess"):
        data["finess"] = normalize_finess(data["finess"])
        problems = finess_errors(data["finess"], location and location.commune.departement_id)
        if problems:
            errors["finess"] = problems
    if data.get("kind") == SiteKind.OTHER and not (data.get("kind_label") or "").strip():
        errors["kind_label"] = ["Précisez le type de lieu."]
    if data.get("kind") != SiteKind.OTHER:
        data["kind_label"] = ""
    if data.get("rooms") is not None and data["rooms"] < 1:
        errors["rooms"] = ["Indiquez au moins une salle de consultation."]
    if data.get("rooms") is not None and data["rooms"] > MAX_ROOMS:
        errors["rooms"] = [f"Indiquez au plus {MAX_ROOMS} salles de consultation."]
    wanted = data.get("volunteer_days_wanted")
    if wanted is not None and not 0 <= wanted <= MAX_DAYS_WANTED:
        errors["volunteer_days_wanted"] = [
            f"Indiquez entre 0 et {MAX_DAYS_WANTED} jours de volontaires par mois."
        ]
    if data.get("housing", "none") != "none" and not data.get("housing_beds"):
        errors["housing_beds"] = [BEDS_MISSING]
    if data.get("housing") == "none":
        data["housing_beds"] = 0
    justification = (data.get("outside_zone_justification") or "").strip()
    if location is not None and location.outside_zone:
        if not may_be_outside_zone:
            errors["commune"] = [
                f"{location.commune.name} n'est pas dans une zone prioritaire en vigueur : "
                "seule l'ARS peut déclarer un lieu hors zone, avec une justification."
            ]
        elif not justification:
            errors["outside_zone_justification"] = [
                "Ce lieu est hors zone prioritaire : la justification de l'ARS est obligatoire."
            ]
    if errors:
        raise ValidationError(errors)
    return data


def _apply_location(site: Site, location: Location, justification: str) -> None:
    commune = location.commune
    site.commune = commune
    site.departement_id = commune.departement_id
    site.region_id = commune.departement.region_id
    site.epci_id = commune.epci_id
    site.priority_zone = location.priority_zone
    site.outside_zone_justification = justification if location.outside_zone else ""
    site.latitude, site.longitude = commune.latitude, commune.longitude


def weekly_openings_replace(*, site: Site, slots: list[opening.WeeklySlot]) -> None:
    errors = opening.slot_errors(slots)
    if errors:
        raise ValidationError(errors)
    site.weekly_openings.all().delete()
    WeeklyOpening.objects.bulk_create(
        WeeklyOpening(
            site=site, weekday=s.weekday, period=s.period, start_time=s.start, end_time=s.end
        )
        for s in slots
    )


def _manager_names(first_name: str, last_name: str) -> dict:
    names = {"manager_first_name": first_name, "manager_last_name": last_name}
    if any(names.values()):
        names = names_check(
            names, fields=(("manager_last_name", "le nom"), ("manager_first_name", "le prénom"))
        )
    return {"first_name": names["manager_first_name"], "last_name": names["manager_last_name"]}


@transaction.atomic
def manager_get_or_create(
    *, email: str, first_name: str = "", last_name: str = ""
) -> tuple[User, bool]:
    """The site manager account for an email, for a declaration by the ARS: created active,
    without password (its owner chooses one from the email). An existing account of another
    role is refused; an unconfirmed public sign-up with this address is replaced."""
    email = User.objects.normalize_email(email).lower()
    email_lock(email)  # two declarations for a new address at once: one account
    account_pending_discard(email=email)
    user = User.objects.filter(email=email).first()
    if user:
        if user.role != Role.SITE_MANAGER:
            raise ValidationError(
                {
                    "manager_email": [
                        "Cette adresse est déjà utilisée par un compte d'un autre type."
                    ]
                }
            )
        return user, False
    user = User.objects.create_user(
        email=email, password=None, role=Role.SITE_MANAGER, **_manager_names(first_name, last_name)
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user, True


@transaction.atomic
def site_declare(
    *,
    data: dict,
    commune: Commune,
    slots: list[opening.WeeklySlot],
    token: uuid.UUID,
    actor: User | None = None,
    manager_email: str,
    manager_password: str | None = None,
    manager_first_name: str = "",
    manager_last_name: str = "",
) -> tuple[Site | None, bool]:
    """Declare a site (and its manager account) in one transaction.

    By the logged-in site manager: the site is « proposé » (the ARS is emailed).
    By the public form (actor None): the manager account is created inactive and the site
    waits « adresse à confirmer »; the link emailed to the manager (accounts.services) sends it
    to the ARS (`site_declaration_confirm`). When the address already has an account, its owner
    is emailed, nothing is saved and (None, False) is returned: the form answers the same.
    By an ARS agent on behalf of a manager: it is « validé » directly (the ARS vouches for it);
    the manager account is created without password and told to set one.
    A second submission with the same token returns the first site (created=False); a site
    its manager already has (same name and commune, not closed) is refused (DuplicateSite),
    except the public form sent again moments later: its first declaration stands and its
    confirmation is emailed once more."""
    # Declarations for the same address wait for each other (double click, two tabs): the
    # second one sees the site or the account the first one created.
    email_lock(User.objects.normalize_email(manager_email))
    existing = Site.objects.filter(submission_token=token).first()
    if existing:
        return existing, False
    actor_role = actor.role if actor and actor.is_authenticated else None
    by_ars = actor_role in (Role.ARS_AGENT, Role.ADMIN)
    if by_ars and actor_role == Role.ARS_AGENT and commune.departement.region_id != actor.region_id:
        raise ValidationError(  # a field error: the agent keeps what they typed
            {
                "commune": [
                    "Cette commune n'est pas dans votre région : vous ne pouvez déclarer un "
                    "lieu que dans votre région."
                ]
            }
        )
    location = site_locate(commune=commune)
    clean = site_check(data=data, location=location, may_be_outside_zone=by_ars)
    slot_problems = opening.slot_errors(slots)
    if slot_problems:
        raise ValidationError({"__all__": slot_problems})
    if not slots:
        raise ValidationError(
            {"__all__": ["Indiquez au moins une demi-journée d'ouverture aux volontaires."]}
        )
    if actor_role == Role.SITE_MANAGER:
        manager, created_account = actor, False
    elif by_ars:
        manager, created_account = manager_get_or_create(
            email=manager_email, first_name=manager_first_name, last_name=manager_last_name
        )
    else:
        twin = signup_twin(email=manager_email, password=manager_password)
        first = twin and duplicate_of(manager=twin, name=clean.get("name", ""), commune=commune)
        if first:  # the same public form sent again (another tab): the first one stands
            signup_twin_answer(user=twin)
            return first, False
        manager = signup_account_create(
            email=manager_email,
            password=manager_password,
            role=Role.SITE_MANAGER,
            **_manager_names(manager_first_name, manager_last_name),
        )
        if manager is None:  # the address has an account: its owner is emailed, nothing saved
            return None, False
        created_account = True
    already = not created_account and duplicate_of(
        manager=manager, name=clean.get("name", ""), commune=commune
    )
    if already:
        refuse_duplicate(already, by_ars=by_ars)
    unconfirmed = created_account and not by_ars
    site = Site(
        **{k: v for k, v in clean.items() if k in EDITABLE_FIELDS},
        manager=manager,
        declared_by=actor if actor_role else manager,
        submission_token=token,
        status=SiteStatus.VALIDATED
        if by_ars
        else (SiteStatus.UNCONFIRMED if unconfirmed else SiteStatus.PROPOSED),
    )
    _apply_location(site, location, clean.get("outside_zone_justification", ""))
    if not site.cpam_name:
        site.cpam_name, site.cpam_departement = default_cpam(commune)
    try:
        with transaction.atomic():
            site.save()
    except IntegrityError:
        # Concurrent double submission: the other request created the site.
        existing = Site.objects.filter(submission_token=token).first()
        if existing:
            return existing, False
        raise
    weekly_openings_replace(site=site, slots=slots)
    history = SiteHistory.objects.create(
        site=site,
        from_status="",
        to_status=site.status,
        actor=actor if actor_role else manager,
        comment="Déclaré par l'ARS pour le gestionnaire." if by_ars else "Déclaration en ligne.",
    )
    if unconfirmed:  # the manager and the ARS hear of it once the address is confirmed
        return site, True
    manager_notify(site, history, account_created=created_account and by_ars)
    if not by_ars:
        tell_ars_new_site(site)
    return site, True


@transaction.atomic
def site_update(*, site: Site, actor: User, data: dict, commune: Commune | None = None) -> Site:
    """Edit the site's description (not its status). A site already accepted outside the zones
    keeps its ARS justification while it stays in the same commune."""
    if not can_edit_site(actor, site):
        raise PermissionDenied("Vous ne pouvez modifier que votre lieu d'accueil.")
    site = _locked(site)
    location = site_locate(commune=commune or site.commune)
    if location.commune.departement.region_id != site.region_id:
        raise ValidationError(
            {
                "commune": [
                    "Cette commune est dans une autre région : le lieu relève de l'ARS de sa "
                    "région. Pour accueillir des volontaires ailleurs, déclarez un nouveau lieu."
                ]
            }
        )
    same_place = location.commune.pk == site.commune_id
    moved_departement = location.commune.departement_id != site.departement_id
    by_ars = has_role(actor, Role.ARS_AGENT, Role.ADMIN)
    justification = data.get("outside_zone_justification", "") if by_ars else ""
    if same_place and not justification:
        justification = site.outside_zone_justification
    clean = site_check(
        data={**data, "outside_zone_justification": justification},
        location=location,
        may_be_outside_zone=by_ars or (same_place and bool(site.outside_zone_justification)),
    )
    conflicts.capacity_check(
        site,
        actor,
        rooms=clean.get("rooms", site.rooms),
        beds=clean.get("housing_beds", site.housing_beds)
        if clean.get("housing", site.housing) != HousingKind.NONE
        else 0,
    )
    before = {f: str(getattr(site, f)) for f in PUBLIC_IDENTITY}
    old_place = site.place_label
    for key, value in clean.items():
        if key in EDITABLE_FIELDS:
            setattr(site, key, value)
    _apply_location(site, location, clean.get("outside_zone_justification", ""))
    if moved_departement and site.cpam_departement != location.commune.departement_id:
        # the CPAM follows the département (unless the form just chose one for the new one)
        site.cpam_name, site.cpam_departement = default_cpam(location.commune)
    site.save()
    if site.place_label != old_place:  # doctors and patients go to the new address
        from renfort.booking.services import site_place_changed  # booking depends on sites

        site_place_changed(site=site, old_place=old_place)
    tell_ars_identity_changed(site, actor, before)
    return site


@transaction.atomic
def site_opening_update(
    *, site: Site, actor: User, slots: list[opening.WeeklySlot], open_on_public_holidays: bool
) -> Site:
    if not can_edit_site(actor, site):
        raise PermissionDenied("Vous ne pouvez modifier que votre lieu d'accueil.")
    if not slots:
        raise ValidationError("Indiquez au moins une demi-journée d'ouverture aux volontaires.")
    site = _locked(site)
    rules = site.opening_rules()
    conflicts.opening_check(
        site,
        actor,
        replace(rules, weekly=tuple(slots), open_on_public_holidays=open_on_public_holidays),
        then="enregistrez les jours d'ouverture",
    )
    weekly_openings_replace(site=site, slots=slots)
    site.open_on_public_holidays = open_on_public_holidays
    site.save(update_fields=["open_on_public_holidays", "updated_at"])
    # The patients' slots follow the new hours (never cancelling a booked patient).
    from renfort.booking.services import hours_resync  # booking depends on sites
    from renfort.planning.models import Mission

    hours_resync(missions=Mission.objects.filter(site=site), who="site")
    return site


@transaction.atomic
def opening_exception_add(
    *,
    site: Site,
    actor: User,
    kind: str,
    start_date: date,
    end_date: date | None = None,
    period: str = opening.WHOLE_DAY,
    reason: str = "",
) -> OpeningException:
    if not can_edit_site(actor, site):
        raise PermissionDenied("Vous ne pouvez modifier que votre lieu d'accueil.")
    end_date = end_date or start_date
    if end_date < start_date:
        raise ValidationError("La date de fin doit être le même jour ou après la date de début.")
    if kind == OpeningException.Kind.OPEN and end_date != start_date:
        raise ValidationError("Une ouverture exceptionnelle porte sur une seule date.")
    if (end_date - start_date).days > 366:
        raise ValidationError(
            "Une fermeture ne peut pas dépasser un an : suspendez plutôt le lieu."
        )
    today = timezone.localdate()
    if start_date < today:
        raise ValidationError("Indiquez une date à venir : les dates passées ne servent plus.")
    if start_date > today + timedelta(days=2 * 366):
        raise ValidationError("Indiquez une date dans les deux ans qui viennent.")
    if kind == OpeningException.Kind.CLOSED:
        site = _locked(site)  # a mission confirmed meanwhile waits, then sees the closure
        conflicts.closure_check(site, actor, start_date, end_date, period)
    return OpeningException.objects.create(
        site=site,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        period=period,
        reason=reason,
    )


@transaction.atomic
def opening_exception_delete(*, exception: OpeningException, actor: User) -> None:
    if not can_edit_site(actor, exception.site):
        raise PermissionDenied("Vous ne pouvez modifier que votre lieu d'accueil.")
    site = _locked(exception.site)
    if exception.kind == OpeningException.Kind.OPEN:
        others = site.opening_exceptions.exclude(pk=exception.pk)
        conflicts.opening_check(
            site,
            actor,
            replace(site.opening_rules(), exceptions=tuple(e.as_rule() for e in others)),
            then="supprimez l'ouverture exceptionnelle",
        )
    exception.delete()


def _locked(site: Site) -> Site:
    """The site row, locked: a mission confirmed at the same time (planning services lock it
    too) waits for the change and then sees it. NO KEY: a patient booking a slot of the site
    (an appointment refers to it) is not held up, and cannot deadlock with the slots the change
    lays again."""
    return Site.objects.select_for_update(no_key=True).get(pk=site.pk)


@transaction.atomic
def site_transition(
    *, site: Site, actor: User, to_status: str, comment: str = "", from_status: str | None = None
) -> Site:
    """Change the status (declared workflow, role and territory checked), record the history,
    email the manager after commit. `from_status`: the status the action's page showed;
    refused if it changed meanwhile."""
    site = _locked(site)
    SITE_WORKFLOW.check(
        site.status, to_status, actor.role, comment, seen=from_status, subject="Le lieu"
    )
    if not can_act_on_site(actor, site):
        raise PermissionDenied("Ce lieu n'est pas dans votre périmètre.")
    comment = (comment or "").strip()
    if to_status in REASON_REQUIRED and len(comment) < 5:
        raise ValidationError("Indiquez le motif (au moins 5 caractères).")
    conflicts.status_check(site, actor, to_status)
    if to_status in (SiteStatus.VALIDATED, SiteStatus.ACTIVE) and site.priority_zone_id:
        # Locked like zoning.services.priority_zone_remove does: one of the two waits.
        zone = PriorityZone.objects.select_for_update().get(pk=site.priority_zone_id)
        if zone.removed_at is not None:
            raise ValidationError(
                "La zone prioritaire de ce lieu a été retirée : corrigez sa commune ou "
                "demandez un rattachement hors zone justifié."
            )
    history = SiteHistory.objects.create(
        site=site, from_status=site.status, to_status=to_status, actor=actor, comment=comment
    )
    site.status = to_status
    site.status_reason = comment
    site.save(update_fields=["status", "status_reason", "updated_at"])
    manager_notify(site, history)
    if to_status == SiteStatus.PROPOSED and history.from_status == SiteStatus.UNCONFIRMED:
        tell_ars_new_site(site)
    elif to_status == SiteStatus.PROPOSED:
        site_news_to_ars(
            site,
            kind="site_resubmitted",
            subject=f"Lieu d'accueil soumis à nouveau : {site.name}",
            template="sites/emails/proposed_to_ars.txt",
            dedup_key=f"site-history-{history.pk}-ars",
        )
    elif to_status == SiteStatus.ACTIVE and has_role(actor, Role.SITE_MANAGER):
        # The manager opens the validated site himself: the ARS learns it is now planned.
        site_news_to_ars(
            site,
            kind="site_activated",
            subject=f"Lieu d'accueil ouvert aux volontaires : {site.name}",
            template="sites/emails/activated_to_ars.txt",
            dedup_key=f"site-history-{history.pk}-ars",
        )
    return site


def site_declaration_confirm(*, user: User) -> str:
    """The manager of a public declaration confirmed their address
    (accounts.services.account_confirm): the declaration goes to the ARS."""
    for site in Site.objects.managed_by(user).filter(status=SiteStatus.UNCONFIRMED):
        site_transition(site=site, actor=user, to_status=SiteStatus.PROPOSED)
    return (
        "Votre adresse est confirmée. Votre déclaration a été envoyée à l'ARS de votre région, "
        "qui va l'examiner ; vous recevrez un courriel à chaque étape."
    )


def site_declaration_waiting(*, user: User) -> bool:
    """The account's sites are a declaration waiting for the confirmation of its address."""
    sites = Site.objects.managed_by(user)
    return sites.exists() and not sites.exclude(status=SiteStatus.UNCONFIRMED).exists()


def site_declaration_discard(*, user: User) -> None:
    """An unconfirmed declaration is thrown away (a new sign-up with the address replaces it)."""
    Site.objects.managed_by(user).delete()


@transaction.atomic
def site_message_send(*, site: Site, author: User, subject: str, body: str) -> SiteMessage:
    """Record a message to the ARS of the site's region and email its agents."""
    if site.manager_id != author.pk:
        raise PermissionDenied("Vous ne pouvez écrire qu'au sujet de votre lieu d'accueil.")
    subject, body = subject.strip(), body.strip()
    if not subject or len(body) < 5:
        raise ValidationError("Indiquez un objet et un message (au moins 5 caractères).")
    if len(subject) > MESSAGE_SUBJECT_LIMIT or len(body) > MESSAGE_BODY_LIMIT:
        raise ValidationError(
            f"Ce message est trop long : objet de {MESSAGE_SUBJECT_LIMIT} caractères et texte "
            f"de {intcomma(MESSAGE_BODY_LIMIT)} caractères au plus."
        )
    message = SiteMessage.objects.create(site=site, author=author, subject=subject, body=body)
    ars_notify(
        site,
        kind="site_message",
        subject=f"[{site.name}] {subject}",
        body=render_to_string(
            "sites/emails/message_to_ars.txt",
            {
                "site": site,
                "message": message,
                "site_url": absolute_url("sites:detail", site.pk),
            },
        ),
        dedup_key=f"site-message-{message.pk}",
        reply_to=author.email,  # the agent's answer reaches the manager
    )
    return message
