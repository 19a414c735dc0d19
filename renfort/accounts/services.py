"""Use cases of the accounts app: login throttling, password-reset emails, confirmation of
the email address of the accounts opened by a public form.

Login throttling: after LOGIN_MAX_FAILURES wrong passwords for one email within
LOGIN_LOCK_MINUTES, logging in to that account is refused until the oldest of them is
LOGIN_LOCK_MINUTES old (« mot de passe oublié » still works). A successful login clears the
account's failures. The wrong password that leaves one attempt warns, the one that locks says
so at once (accounts.forms.LoginForm), the same for an address without an account.

Email confirmation (docs/doctors.md, docs/sites.md): a public sign-up opens an inactive account
and emails a link (accounts.tokens); following it activates the account and runs the business
step of its role (SIGNUP_STEPS: the doctor's file is submitted, the site declaration goes to the
ARS). The forms answer the same whether or not the address already has an account: its owner is
emailed « Vous avez déjà un compte » and nothing is created."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.module_loading import import_string

from renfort.core.links import absolute_url, set_password_url
from renfort.core.locks import email_lock
from renfort.notifications.services import email_enqueue

from .models import LoginFailure, Role, User
from .tokens import confirmation_days, confirmation_token, confirmation_url


def _key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _window(now: datetime) -> datetime:
    return now - timedelta(minutes=settings.LOGIN_LOCK_MINUTES)


def login_attempts_left(*, email: str, now: datetime | None = None) -> int:
    """Wrong passwords still allowed for this email before its login is locked."""
    now = now or timezone.now()
    recent = LoginFailure.objects.filter(key=_key(email), created_at__gt=_window(now))
    return max(0, settings.LOGIN_MAX_FAILURES - recent.count())


def login_blocked(*, email: str, now: datetime | None = None) -> bool:
    return login_attempts_left(email=email, now=now) == 0


def login_failure_record(*, email: str, now: datetime | None = None) -> None:
    now = now or timezone.now()
    key = _key(email)
    LoginFailure.objects.filter(key=key, created_at__lte=_window(now)).delete()
    LoginFailure.objects.create(key=key, created_at=now)


def login_failures_clear(*, email: str) -> None:
    LoginFailure.objects.filter(key=_key(email)).delete()


def password_reset_email_enqueue(*, user) -> None:
    """« Mot de passe oublié »: the link is built on RENFORT_BASE_URL, like every other email
    (never on the request's Host header), and the email goes through the notifications outbox,
    sent after the response (whose time does not tell whether the account exists)."""
    email_enqueue(
        kind="password_reset",
        recipient=user.email,
        subject="Renfort : choisir un nouveau mot de passe",
        template="accounts/password_reset_email.txt",
        context={
            "email": user.email,
            "reset_url": set_password_url(user),
            "days": confirmation_days(),  # Django's reset links last PASSWORD_RESET_TIMEOUT
        },
        dedup_key=f"password-reset-{user.pk}-{timezone.now():%Y%m%d%H%M%S%f}",
    )


def password_changed_notify(*, user) -> None:
    """After a change or a reset: the account's owner is told, so that a change they did not
    make (a stolen session, a mailbox read by someone else) does not go unnoticed."""
    email_enqueue(
        kind="password_changed",
        recipient=user.email,
        subject="Renfort : votre mot de passe a été modifié",
        template="accounts/emails/password_changed.txt",
        context={"email": user.email, "reset_url": absolute_url("accounts:password_reset")},
        dedup_key=f"password-changed-{user.pk}-{timezone.now():%Y%m%d%H%M%S%f}",
    )


# --- Email confirmation of public sign-ups --------------------------------------------------


@dataclass(frozen=True)
class SignupKind:
    """What a public sign-up of a role sends once confirmed, and the functions (dotted paths:
    the apps depend on accounts, not the reverse) that finish it or throw it away."""

    what: str  # « envoyer {what} » on the pages and in the email
    waiting: str  # (*, user) -> bool: the account's objects are a sign-up not yet confirmed
    confirm: str  # (*, user) -> str: the business step; returns the French success message
    discard: str  # (*, user) -> None: deletes the objects of an unconfirmed sign-up


SIGNUP_STEPS = {
    Role.DOCTOR: SignupKind(
        what="votre candidature de médecin volontaire",
        waiting="renfort.doctors.services.doctor_signup_waiting",
        confirm="renfort.doctors.services.doctor_signup_confirm",
        discard="renfort.doctors.services.doctor_signup_discard",
    ),
    Role.SITE_MANAGER: SignupKind(
        what="votre déclaration de lieu d'accueil",
        waiting="renfort.sites.services.site_declaration_waiting",
        confirm="renfort.sites.services.site_declaration_confirm",
        discard="renfort.sites.services.site_declaration_discard",
    ),
}
LINK_INVALID = (
    "Ce lien de confirmation n'est plus valable : il a déjà servi, il a expiré (il est valable "
    "{days} jours) ou il est incomplet."
)
# One « renvoyer le lien » or « vous avez déjà un compte » email per address in this window:
# the forms cannot be used to flood a mailbox.
RESEND_WINDOW = timedelta(minutes=10)


def _pending(user: User) -> bool:
    """An account opened by a public form whose address was never confirmed (not an account
    the administrator deactivated: that one is never confirmed again nor replaced)."""
    return (
        not user.is_active
        and user.last_login is None
        and user.role in SIGNUP_STEPS
        and import_string(SIGNUP_STEPS[user.role].waiting)(user=user)
    )


def awaiting_confirmation(*, email: str, password: str) -> bool:
    """The right password of a sign-up whose address is not confirmed yet (the login page then
    says so, with the link to get a new one; a wrong password learns nothing)."""
    user = User.objects.filter(email=email.strip().lower()).first()
    return user is not None and _pending(user) and user.check_password(password)


def _window_key(now: datetime | None) -> int:
    now = now or timezone.now()
    return int(now.timestamp() // RESEND_WINDOW.total_seconds())


def _confirmation_email(user: User, dedup_key: str) -> None:
    email_enqueue(
        kind="account_confirmation",
        recipient=user.email,
        subject="Confirmez votre adresse électronique pour Renfort",
        template="accounts/emails/confirmation.txt",
        context={
            "what": SIGNUP_STEPS[user.role].what,
            "url": confirmation_url(user),
            "days": confirmation_days(),
            "resend_url": absolute_url("accounts:confirmation_resend"),
        },
        dedup_key=dedup_key,
    )


def _account_exists_email(user: User, now: datetime | None = None) -> None:
    email_enqueue(
        kind="account_exists",
        recipient=user.email,
        subject="Vous avez déjà un compte Renfort",
        template="accounts/emails/account_exists.txt",
        context={
            "login_url": absolute_url("accounts:login"),
            "reset_url": absolute_url("accounts:password_reset"),
            "is_site_manager": user.role == Role.SITE_MANAGER,
        },
        dedup_key=f"account-{user.pk}-exists-{_window_key(now)}",
    )


@transaction.atomic
def account_pending_discard(*, email: str) -> bool:
    """Throw away an unconfirmed sign-up with this address (the account and what it declared),
    so that it never holds the address: whoever owns the mailbox signs up again. True if one
    was discarded."""
    email_lock(email)
    user = User.objects.select_for_update().filter(email=email.strip().lower()).first()
    if user is None or not _pending(user):
        return False
    import_string(SIGNUP_STEPS[user.role].discard)(user=user)
    user.delete()
    return True


def unconfirmed_signups_purge(*, now: datetime | None = None) -> int:
    """Throw away the sign-ups whose link expired unconfirmed (the account and what it
    declared): an address or an RPPS typed by someone else is not held for ever. Run daily by
    `purge_unconfirmed_signups`. Returns how many."""
    now = now or timezone.now()
    expired = now - timedelta(days=confirmation_days())
    emails = User.objects.filter(
        is_active=False,
        last_login__isnull=True,
        role__in=list(SIGNUP_STEPS),
        date_joined__lt=expired,
    ).values_list("email", flat=True)
    return sum(account_pending_discard(email=email) for email in list(emails))


@transaction.atomic
def signup_account_create(
    *,
    email: str,
    password: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
) -> User | None:
    """The inactive account of a public sign-up, its confirmation link emailed (after commit).

    When the address already has an account, nothing is created: its owner is emailed that
    they have an account (log in, or reset the password) and None is returned; the caller
    creates nothing either and answers as for a new account. An unconfirmed sign-up with the
    same address is replaced."""
    email = User.objects.normalize_email(email).lower()
    email_lock(email)  # a sign-up sent twice at once: the second one sees the first account
    account_pending_discard(email=email)
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        _account_exists_email(existing)
        return None
    user = User.objects.create_user(
        email=email,
        password=password,
        role=role,
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        is_active=False,
    )
    _confirmation_email(user, dedup_key=f"account-{user.pk}-confirmation")
    return user


def account_exists_notify(*, email: str) -> None:
    """The owner of an existing account is told a sign-up was tried with their address; an
    unconfirmed sign-up is not an account to log in to: its confirmation is sent again."""
    user = User.objects.filter(email=email.strip().lower()).first()
    if user is not None and _pending(user):
        signup_twin_answer(user=user)
    elif user is not None:
        _account_exists_email(user)


# A sign-up of the same address this soon after an unconfirmed one, with the same password and
# the same content, is the same form sent again (a double click on a reloaded form, two tabs):
# the first one stands. Later, or with other content, the new sign-up replaces it.
SIGNUP_TWIN_WINDOW = timedelta(minutes=2)


def signup_twin(*, email: str, password: str, now: datetime | None = None) -> User | None:
    """The unconfirmed sign-up of this address opened moments ago with this password, or None.
    The caller compares what it declared; for the same, it answers with it
    (`signup_twin_answer`) instead of replacing it — which would kill the link just emailed."""
    now = now or timezone.now()
    user = User.objects.filter(
        email=email.strip().lower(), date_joined__gte=now - SIGNUP_TWIN_WINDOW
    ).first()
    if user is None or not _pending(user) or not user.check_password(password or ""):
        return None
    return user


def signup_twin_answer(*, user: User) -> None:
    """The same sign-up sent again: its confirmation link is emailed once more, once (the form
    sent five more times sends one reminder), never « vous avez déjà un compte »."""
    _confirmation_email(user, dedup_key=f"account-{user.pk}-confirmation-again")


def _user_from_link(uidb64: str, *, lock: bool) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    if not 0 < pk < 2**63:
        return None
    users = User.objects.select_for_update() if lock else User.objects
    return users.filter(pk=pk).first()


def confirmation_link_check(*, uidb64: str, token: str, lock: bool = False) -> User:
    """The account a confirmation link is for; ValidationError (French) if it is used, expired
    or forged. Changes nothing (the page shows a button: mail scanners open links)."""
    user = _user_from_link(uidb64, lock=lock)
    if user is None or not _pending(user) or not confirmation_token.check_token(user, token):
        raise ValidationError(LINK_INVALID.format(days=confirmation_days()), code="invalid_link")
    return user


@transaction.atomic
def account_confirm(*, uidb64: str, token: str) -> tuple[User, str]:
    """Activate the account of a valid link and run its role's business step (the doctor's
    file submitted to the CDOM, the site declaration sent to the ARS). Two clicks confirm once:
    the row is locked and the link stops working once the account is active. Returns the
    account and the French message to show."""
    user = confirmation_link_check(uidb64=uidb64, token=token, lock=True)
    user.is_active = True
    user.save(update_fields=["is_active"])
    message = import_string(SIGNUP_STEPS[user.role].confirm)(user=user)
    return user, message


@transaction.atomic
def confirmation_resend(*, email: str, now: datetime | None = None) -> None:
    """« Renvoyer le lien »: a new link for an unconfirmed sign-up, a « vous avez déjà un
    compte » email for an active account, nothing otherwise; the page says the same in every
    case. At most one email per address every RESEND_WINDOW."""
    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None:
        return
    if _pending(user):
        _confirmation_email(user, dedup_key=f"account-{user.pk}-resend-{_window_key(now)}")
    elif user.is_active:
        _account_exists_email(user, now)
