import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_ensure_admin_creates_one_superuser_once(capsys):
    call_command("ensure_admin")
    first = capsys.readouterr().out
    assert "username: admin" in first and "password: " in first
    password = first.split("password: ")[1].split()[0]
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password(password)
    call_command("ensure_admin")
    assert "existing superuser" in capsys.readouterr().out
    assert get_user_model().objects.count() == 1
