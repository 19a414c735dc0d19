"""The site map (RGAA 12.1): every public page, the signed-in user's own pages, linked from
every page's footer; each of its links answers."""

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def links(page: str, section: str) -> list[str]:
    block = page.split(f'id="sitemap-{section}-links"')[1].split("</ul>")[0]
    return re.findall(r'href="([^"]+)"', block)


def test_the_footer_links_the_site_map_and_its_public_links_answer(client):
    home = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("core:sitemap")}">Plan du site</a>' in home
    page = client.get(reverse("core:sitemap")).content.decode()
    public = links(page, "public")
    assert reverse("booking:search") in public and reverse("sites:declare") in public
    assert reverse("accounts:login") in links(page, "account")
    assert 'id="sitemap-own"' not in page
    for link in public + links(page, "account") + links(page, "information"):
        assert client.get(link).status_code == 200, link


@pytest.mark.parametrize(
    ("traits", "expected"),
    [
        ({"doctor": True}, "planning:doctor_missions"),
        ({"site_manager": True}, "planning:site_missions"),
        ({"ars": True}, "planning:index"),
        ({"national": True}, "planning:index"),
        ({"cpam": True}, "doctors:agent_list"),
    ],
)
def test_a_signed_in_user_finds_their_own_pages_and_no_refusal(client, traits, expected):
    from tests.doctors.factories import DoctorFactory
    from tests.sites.factories import SiteFactory

    if traits.get("doctor"):
        user = DoctorFactory().user  # a doctor's account has its file
    elif traits.get("site_manager"):
        user = SiteFactory().manager
    else:
        user = UserFactory(**traits)
    client.force_login(user)
    page = client.get(reverse("core:sitemap")).content.decode()
    assert reverse(expected) in links(page, "own")
    assert reverse("accounts:password_change") in links(page, "account")
    assert reverse("accounts:login") not in links(page, "account")
    for link in links(page, "public") + links(page, "own") + links(page, "account"):
        assert client.get(link).status_code == 200, link  # never « Accès refusé »
