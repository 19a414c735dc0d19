"""The error pages of the site."""


def test_the_400_page_gives_a_views_reason_but_never_a_suspicious_requests(rf):
    from django.core.exceptions import BadRequest, SuspiciousOperation

    from renfort.core.views import bad_request

    request = rf.get("/")
    said = bad_request(request, BadRequest("Mois invalide : choisissez un mois."))
    assert said.status_code == 400 and "Mois invalide : choisissez un mois." in said.text
    hidden = bad_request(request, SuspiciousOperation("Invalid HTTP_HOST header: 'x'"))
    assert hidden.status_code == 400 and "HTTP_HOST" not in hidden.text
    assert "Votre navigateur a envoyé une demande" in hidden.text
