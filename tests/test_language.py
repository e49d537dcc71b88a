import pytest

pytestmark = pytest.mark.django_db


def test_switch_language_sets_the_cookie_and_goes_back(client):
    response = client.get("/language/", {"language": "fr", "next": "/agenda/"})
    assert response.status_code == 302
    assert response["Location"] == "/agenda/"
    assert response.cookies["django_language"].value == "fr"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", ""])
def test_switch_language_never_leaves_the_site(client, next_url):
    response = client.get("/language/", {"language": "fr", "next": next_url})
    assert response["Location"] == "/"


def test_switch_language_ignores_unknown_languages(client):
    response = client.get("/language/", {"language": "xx", "next": "/agenda/"})
    assert response["Location"] == "/agenda/"
    assert "django_language" not in response.cookies
