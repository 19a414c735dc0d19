"""Browser tests: open a page already logged in as a user (the session cookie of Django's test
client, given to Playwright's browser context), without going through the login form."""

from django.conf import settings
from django.test import Client


def browser_login(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
