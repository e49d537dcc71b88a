"""Headers, cookies and login throttling."""

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_security_headers_on_a_page(client):
    response = client.get(reverse("admin:login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_over_https(client):
    response = client.get(reverse("admin:login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_login_with_a_message(client, secretariat_user):
    url = reverse("admin:login")
    credentials = {"username": "secretary", "password": "wrong", "next": "/admin/"}
    for _ in range(2):
        response = client.post(url, credentials)
        assert response.status_code == 200  # the ordinary "wrong password" form
    response = client.post(url, credentials)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Signing in is blocked after 3 failed attempts." in page
    assert "Try again in 30 minutes." in page
    # Even the right password is refused while the lock holds.
    right = {**credentials, "password": "a-long-test-password"}
    assert client.post(url, right).status_code == 429
    assert AccessAttempt.objects.get().failures_since_start >= 3


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_the_secretariat_sees_and_lifts_locks(client, secretariat_client):
    UserFactory(username="desk1")
    for _ in range(3):
        client.post(reverse("admin:login"), {"username": "desk1", "password": "x"})
    changelist = secretariat_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    assert "desk1" in changelist.content.decode()
    attempt = AccessAttempt.objects.get(username="desk1")
    response = secretariat_client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
