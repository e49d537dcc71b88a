"""The project-wide commands: translations compiled without gettext, the first superuser."""

import io

import polib
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

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


def test_compile_translations_writes_the_mo_without_gettext(tmp_path, settings):
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr"}
    catalogue.append(polib.POEntry(msgid="Programme by day", msgstr="Programme par jour"))
    catalogue.append(polib.POEntry(msgid="Untranslated", msgstr=""))
    catalogue.save(str(folder / "django.po"))
    settings.LOCALE_PATHS = [tmp_path]
    out = io.StringIO()
    call_command("compile_translations", stdout=out)
    compiled = polib.mofile(str(folder / "django.mo"))
    assert [(entry.msgid, entry.msgstr) for entry in compiled] == [
        ("Programme by day", "Programme par jour")
    ]
    assert "1 translated, 1 untranslated, 0 fuzzy." in out.getvalue()


def test_compile_translations_without_catalogues_fails(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    with pytest.raises(CommandError, match="No .po catalogue found"):
        call_command("compile_translations")
