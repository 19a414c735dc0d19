"""Messages between a site manager and the ARS of the region: email, ARS page, manager space."""

import html as htmllib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from renfort.accounts.models import Role
from renfort.notifications.models import Notification
from renfort.sites import services
from tests.factories import UserFactory

from .factories import SiteFactory

pytestmark = pytest.mark.django_db

BODY = "Bonjour,\n<b>Les clés</b> sont à l'accueil.\n\nCordialement"


def send(site, subject="Clés", body=BODY):
    return services.site_message_send(site=site, author=site.manager, subject=subject, body=body)


def ars_of(site):
    return UserFactory(role=Role.ARS_AGENT, region=site.region)


def test_the_email_to_the_ars_tells_how_to_answer_the_manager(django_capture_on_commit_callbacks):
    site = SiteFactory()
    agent = ars_of(site)
    with django_capture_on_commit_callbacks(execute=True):
        send(site)
    body = Notification.objects.get(recipient=agent.email, kind="site_message").body
    assert BODY in body
    # Answering the email reaches the manager (Reply-To, see the next test).
    assert "répondez à ce courriel" in body
    assert f"écrivez-lui à {site.manager.email}" in body
    assert [m.to for m in mail.outbox] == [[agent.email]]


def test_the_email_to_the_ars_replies_to_the_manager(django_capture_on_commit_callbacks):
    site = SiteFactory()
    ars_of(site)
    with django_capture_on_commit_callbacks(execute=True):
        send(site)
    assert mail.outbox[0].reply_to == [site.manager.email]


def test_the_ars_page_keeps_the_line_breaks_and_escapes_the_message(client):
    site = SiteFactory()
    send(site)
    client.force_login(ars_of(site))
    page = client.get(reverse("sites:detail", args=[site.pk])).content.decode()
    section = page.split('id="site-messages"')[1]
    assert (
        "Bonjour,<br>&lt;b&gt;Les clés&lt;/b&gt; sont à l&#x27;accueil.<br><br>Cordialement"
        in section
    )
    assert "<b>Les clés</b>" not in page


def test_the_manager_sees_the_messages_sent_about_their_site(client):
    site = SiteFactory()
    other = SiteFactory()
    for n in range(7):
        send(site, subject=f"Question {n}", body=f"Texte {n}\nsuite")
    send(other, subject="Autre lieu")
    client.force_login(site.manager)
    page = client.get(reverse("sites:manager_space")).content.decode()
    sent = page.split(f'id="sent-messages-{site.pk}"')[1].split("</ul>")[0]
    assert "Vos derniers messages à l'ARS" in sent
    shown = [f"Question {n}" for n in range(7) if f"Question {n}<" in sent]
    assert shown == ["Question 2", "Question 3", "Question 4", "Question 5", "Question 6"]
    assert sent.index("Question 6") < sent.index("Question 2")  # newest first
    assert "Texte 6<br>suite" in sent and "Autre lieu" not in page
    assert "<form" not in sent  # read-only


def test_a_manager_without_messages_sees_no_empty_list(client):
    site = SiteFactory()
    client.force_login(site.manager)
    page = client.get(reverse("sites:manager_space")).content.decode()
    assert f'id="sent-messages-{site.pk}"' not in page


def test_a_message_longer_than_the_limit_is_refused_on_the_page(client):
    site = SiteFactory()
    client.force_login(site.manager)
    response = client.post(
        reverse("sites:message", args=[site.pk]),
        {f"m{site.pk}-subject": "Long", f"m{site.pk}-body": "x" * 5001},
        follow=True,
    )
    assert not site.messages.exists()
    html = response.content.decode()
    assert "Message : Ce texte est trop long : 5\xa0000 caractères au plus." in html


def post_message(client, site, subject, body):
    prefix = f"m{site.pk}"
    return client.post(
        reverse("sites:message", args=[site.pk]),
        {f"{prefix}-subject": subject, f"{prefix}-body": body},
        follow=True,
    )


def test_a_refused_message_keeps_what_was_typed(client):
    site = SiteFactory()
    client.force_login(site.manager)
    page = post_message(client, site, "", "Un long message que je ne veux pas retaper.")
    html = htmllib.unescape(page.content.decode())
    assert "<title>Erreur dans le formulaire — Mon lieu d'accueil" in html
    assert 'id="error-summary"' in html  # the summary at the top of the page takes the focus
    assert "Objet : Indiquez l'objet de votre message." in html
    assert "Un long message que je ne veux pas retaper." in html
    assert not site.messages.exists()


def test_the_manager_is_told_when_the_region_has_no_ars_account_yet(client):
    site = SiteFactory()
    client.force_login(site.manager)
    page = post_message(client, site, "Clés", "Les clés sont à l'accueil.")
    assert "n'a pas encore de compte Renfort" in htmllib.unescape(page.content.decode())
    ars_of(site)
    page = post_message(client, site, "Clés", "Les clés sont à l'accueil, bis.")
    assert "Votre message a été envoyé à l'ARS de votre région." in htmllib.unescape(
        page.content.decode()
    )
    assert site.messages.count() == 2


@pytest.mark.parametrize("role", ["cdom", "cpam", "national"])
def test_other_agents_do_not_read_the_correspondence_with_the_ars(client, role):
    site = SiteFactory(in_landes=True)
    send(site, subject="Objet confidentiel")
    agent = UserFactory(ars=True)
    services.site_transition(
        site=site, actor=agent, to_status="suspended", comment="Commentaire interne de l'ARS"
    )
    client.force_login(UserFactory(**{role: True}))
    response = client.get(reverse("sites:detail", args=[site.pk]))
    page = htmllib.unescape(response.content.decode())
    assert response.status_code == 200 and site.name in page
    assert "Messages du gestionnaire à l'ARS" not in page
    assert "Objet confidentiel" not in page and "Les clés" not in page
    assert "Commentaire interne de l'ARS" not in page and agent.email not in page
    assert agent.get_full_name() not in page
    assert "Suspendu" in page  # the statuses and their dates stay visible


def test_the_ars_reads_the_correspondence_with_the_manager(client):
    site = SiteFactory(in_landes=True)
    send(site, subject="Objet confidentiel")
    agent = UserFactory(ars=True)
    services.site_transition(
        site=site, actor=agent, to_status="suspended", comment="Commentaire interne de l'ARS"
    )
    client.force_login(agent)
    page = htmllib.unescape(client.get(reverse("sites:detail", args=[site.pk])).content.decode())
    assert "Messages du gestionnaire à l'ARS" in page and "Objet confidentiel" in page
    assert "Commentaire interne de l'ARS" in page
    assert f"<td>{agent.get_full_name()} — ARS Nouvelle-Aquitaine</td>" in page  # « Par »


def test_a_subject_with_line_breaks_from_a_crafted_request_is_delivered_on_one_line(
    client, django_capture_on_commit_callbacks
):
    site = SiteFactory()
    agent = ars_of(site)
    client.force_login(site.manager)
    with django_capture_on_commit_callbacks(execute=True):
        post_message(client, site, "Question\r\nBcc: victim@example.org", "Bonjour")
    assert site.messages.get().subject == "Question Bcc: victim@example.org"
    notification = Notification.objects.get(recipient=agent.email, kind="site_message")
    assert notification.status == "sent"
    assert mail.outbox[-1].subject.endswith("Question Bcc: victim@example.org")
    assert mail.outbox[-1].bcc == []


def test_the_service_refuses_a_message_over_the_limits():
    site = SiteFactory()
    manager = site.manager
    for subject, body in (("Objet", "x" * 5001), ("x" * 201, "Un message assez long.")):
        with pytest.raises(ValidationError, match="trop long"):
            services.site_message_send(site=site, author=manager, subject=subject, body=body)
    assert not site.messages.exists()
