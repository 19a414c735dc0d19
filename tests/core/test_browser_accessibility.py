"""Accessibility regression test (RGAA 4.1, which follows WCAG 2.1 levels A and AA).

axe-core (the copy shipped by the `axe-playwright-python` package, no download) runs in Debian's
chromium on the demo data. It checks the pages each role reaches from its home page by following
links on a desktop screen (and a phone for visitors and doctors), and a few forms shown with
their errors. Automated rules
catch only part of RGAA: keyboard and screen-reader checks are done by hand
(`core/accessibility.html`)."""

import io
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from renfort.accounts.demo import DEMO_PASSWORD
from renfort.core.demo import demo_generate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Every role, by one of its demo accounts (None: a visitor, patients included).
ROLES = [
    None,
    "medecin@demo.renfort.example",
    "lieu.beaurainville.62990@demo.renfort.example",
    "ars.occitanie@demo.renfort.example",
    "cdom.tarn@demo.renfort.example",
    "cpam.tarn@demo.renfort.example",
    "dgos@demo.renfort.example",
]

# Links not followed: leaving the session, files, the admin and the API (not RGAA pages of the
# service), anchors.
NOT_FOLLOWED = re.compile(
    r"deconnexion|/admin/|/static/|/api/|export|\.ics|\.csv|\.xlsx|^mailto:|^tel:|^#"
)
PAGES_PER_ROLE = 20
SAME_SHAPE = 1  # pages checked per address shape (/lieux/12/ and /lieux/13/ are one shape)


def axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def violations(page, axe: str) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page, one line each with its first nodes."""
    page.add_script_tag(content=axe)
    found = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r =>
            r.violations.map(v => v.id + ' (' + v.impact + '): '
                + v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(' | ')))""",
        WCAG_A_AA,
    )
    return [f"{page.url} — {line}" for line in found]


def log_in(page, email: str) -> None:
    page.goto("/compte/connexion/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/compte/connexion/" not in page.url, f"demo login failed for {email}"


def shape(path: str) -> str:
    path, _, query = path.partition("?")
    return re.sub(r"\d+", "N", path) + "?" + re.sub(r"=[^&]*", "=", query)


def crawl(page, base: str, axe: str) -> tuple[int, list[str]]:
    """Follow the links from the role's home page; check each new address shape."""
    queue, seen, shapes, found, checked = ["/", urlsplit(page.url).path], set(), Counter(), [], 0
    while queue and checked < PAGES_PER_ROLE:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        shapes[shape(path)] += 1
        if shapes[shape(path)] > SAME_SHAPE:
            continue
        response = page.goto(path)
        assert response.status < 500, f"{path}: {response.status}"
        if response.status >= 400 or "text/html" not in response.headers["content-type"]:
            continue
        checked += 1
        found += violations(page, axe)
        for href in page.eval_on_selector_all("a[href]", "a => a.map(e => e.getAttribute('href'))"):
            if NOT_FOLLOWED.search(href):
                continue
            url = urlsplit(urljoin(page.url, href))
            if f"{url.scheme}://{url.netloc}" == base:
                queue.append(url.path + (f"?{url.query}" if url.query else ""))
    return checked, found


@pytest.fixture
def demo(reference_data):
    demo_generate(stdout=io.StringIO())


def test_no_wcag_a_or_aa_rule_is_broken_on_the_pages_of_each_role(page, live_server, demo):
    """One test, so that the demo data is generated once."""
    axe = axe_source()
    found, checked = [], {}
    for width, roles in ((1280, ROLES), (375, ROLES[:2])):  # patients and doctors on phones
        page.set_viewport_size({"width": width, "height": 900})
        for email in roles:
            page.context.clear_cookies()
            if email:
                log_in(page, email)
            else:
                page.goto("/")
            checked[email, width], role_found = crawl(page, live_server.url, axe)
            found += role_found
    # The crawl really went through each role's pages (not only its home page).
    assert all(count >= 10 for count in checked.values()), checked
    found += forms_with_errors(page, axe)
    assert not found, "\n".join(found)


def forms_with_errors(page, axe: str) -> list[str]:
    """The login, doctor sign-up and booking forms, sent wrong or empty."""
    page.context.clear_cookies()
    found = []
    page.goto("/compte/connexion/")
    page.fill("input[name=username]", "personne@exemple.fr")
    page.fill("input[name=password]", "mauvais")
    page.click("main form button[type=submit]")
    found += violations(page, axe)
    page.goto("/medecins/inscription/")
    page.locator("#signup-form [type=submit]").last.click()
    assert page.locator(".fr-error-text, .fr-alert--error").count()
    found += violations(page, axe)
    page.goto("/rendez-vous/?q=81000")
    page.locator("a[href^='/rendez-vous/creneau/']").first.click()
    page.locator("main form button[type=submit]").last.click()
    assert page.locator("#error-summary").count()
    found += violations(page, axe)
    return found
