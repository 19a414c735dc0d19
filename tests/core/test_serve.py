from renfort.core.management.commands.serve import server_env


def test_links_point_to_the_address_served():
    env = server_env("127.0.0.1:8101", {"PATH": "/usr/bin"})
    assert env == {"RENFORT_BASE_URL": "http://127.0.0.1:8101", "PATH": "/usr/bin"}


def test_an_explicit_base_url_wins():
    env = server_env("127.0.0.1:8101", {"RENFORT_BASE_URL": "https://renfort.example.gouv.fr"})
    assert env["RENFORT_BASE_URL"] == "https://renfort.example.gouv.fr"
