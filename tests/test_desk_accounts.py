"""Registration desk accounts: the secretariat adds them, deactivates them and resets their
password, and can grant nothing through them (meetingsite.admin.DeskAccountAdmin)."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from agenda.models import Attendance
from delegations.groups import REGISTRATION_DESK, SECRETARIAT
from tests.agenda.desk_data import build_meeting, working_sessions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
ADD = reverse("admin:meetingsite_deskaccount_add")
CHANGELIST = reverse("admin:meetingsite_deskaccount_changelist")
PASSWORD = "a-desk-password-96"


def change_url(user):
    return reverse("admin:meetingsite_deskaccount_change", args=[user.pk])


def password_url(user):
    return reverse("admin:meetingsite_deskaccount_password_change", args=[user.pk])


def rights(user):
    user = User.objects.get(pk=user.pk)
    return (
        user.is_staff,
        user.is_superuser,
        sorted(user.groups.values_list("name", flat=True)),
        list(user.user_permissions.all()),
    )


DESK_RIGHTS = (False, False, [REGISTRATION_DESK], [])


def escalation():
    """Fields a crafted POST adds to ask for more than a desk account."""
    return {
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [Group.objects.get(name=SECRETARIAT).pk],
        "user_permissions": [Permission.objects.get(codename="change_user").pk],
    }


def add_desk_account(client, username="desk-fr-1", **extra):
    return client.post(
        ADD,
        {
            "username": username,
            "first_name": "Amina",
            "last_name": "Diallo",
            "email": "a.diallo@un.example",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **extra,
        },
    )


def change_data(user, **extra):
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        **extra,
    }


def test_the_secretariat_gets_add_change_and_view_on_desk_accounts_only():
    codenames = Group.objects.get(name=SECRETARIAT).permissions.filter(
        content_type__app_label__in=["auth", "meetingsite"]
    )
    assert sorted(codenames.values_list("codename", flat=True)) == [
        "add_deskaccount",
        "change_deskaccount",
        "view_deskaccount",
    ]


def test_the_secretariat_adds_a_desk_account(secretariat_client):
    response = add_desk_account(secretariat_client)
    account = User.objects.get(username="desk-fr-1")
    assert response.status_code == 302
    assert response["Location"] == change_url(account)
    assert (account.get_full_name(), account.email, account.is_active) == (
        "Amina Diallo",
        "a.diallo@un.example",
        True,
    )
    assert account.check_password(PASSWORD)
    assert rights(account) == DESK_RIGHTS


def test_a_username_taken_by_any_user_is_refused_beside_the_field(
    secretariat_client, secretariat_user
):
    response = add_desk_account(secretariat_client, username="Secretary")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "username": ["A user with that username already exists."]
    }
    assert rights(secretariat_user) == (True, False, [SECRETARIAT], [])


def test_the_add_and_change_forms_offer_no_rights(secretariat_client, desk_user):
    for url in (ADD, change_url(desk_user)):
        form = secretariat_client.get(url).context["adminform"].form
        assert not {"is_staff", "is_superuser", "groups", "user_permissions"} & set(form.fields)


def test_a_crafted_add_grants_nothing(secretariat_client):
    assert add_desk_account(secretariat_client, **escalation()).status_code == 302
    assert rights(User.objects.get(username="desk-fr-1")) == DESK_RIGHTS


def test_a_crafted_change_grants_nothing(secretariat_client, desk_user):
    data = change_data(desk_user, **escalation())
    response = secretariat_client.post(change_url(desk_user), data)
    assert response.status_code == 302
    assert rights(desk_user) == DESK_RIGHTS


def test_the_list_shows_desk_accounts_only(secretariat_client, secretariat_user, desk_user):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    both = UserFactory(username="desk-and-secretariat")
    both.groups.add(*Group.objects.filter(name__in=[REGISTRATION_DESK, SECRETARIAT]))
    granted = UserFactory(username="desk-with-a-permission")
    granted.groups.add(Group.objects.get(name=REGISTRATION_DESK))
    granted.user_permissions.add(Permission.objects.get(codename="change_delegation"))
    UserFactory(username="visitor")
    response = secretariat_client.get(CHANGELIST)
    shown = [user.username for user in response.context["cl"].result_list]
    assert shown == ["desk"]


@pytest.fixture
def out_of_reach(secretariat_user):
    """Accounts the secretariat must never edit: a superuser (even in the desk group),
    another Secretariat member, a desk member with more rights, and itself."""
    desk = Group.objects.get(name=REGISTRATION_DESK)
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    root.groups.add(desk)
    colleague = UserFactory(username="colleague", is_staff=True)
    colleague.groups.add(Group.objects.get(name=SECRETARIAT), desk)
    staff_desk = UserFactory(username="staff-desk", is_staff=True)
    staff_desk.groups.add(desk)
    return [root, colleague, staff_desk, secretariat_user]


def test_other_accounts_are_out_of_reach(secretariat_client, out_of_reach):
    for user in out_of_reach:
        before = (rights(user), User.objects.get(pk=user.pk).password)
        assert secretariat_client.get(change_url(user)).status_code == 302, user
        response = secretariat_client.post(change_url(user), change_data(user, is_active=""))
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")
        response = secretariat_client.post(
            password_url(user), {"password1": PASSWORD, "password2": PASSWORD}
        )
        assert response.status_code == 404, user
        after = User.objects.get(pk=user.pk)
        assert (rights(user), after.password, after.is_active) == (*before, True), user


def test_the_secretariat_cannot_change_users_or_groups(secretariat_client, secretariat_user):
    desk = Group.objects.get(name=REGISTRATION_DESK)
    own = reverse("admin:auth_user_change", args=[secretariat_user.pk])
    for url in (
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_add"),
        own,
        reverse("admin:auth_group_change", args=[desk.pk]),
    ):
        assert secretariat_client.get(url).status_code == 403, url
    response = secretariat_client.post(
        own, {"username": "secretary", "is_staff": "on", "is_superuser": "on", **escalation()}
    )
    assert response.status_code == 403
    response = secretariat_client.post(
        reverse("admin:auth_group_change", args=[desk.pk]),
        {"name": REGISTRATION_DESK, "permissions": escalation()["user_permissions"]},
    )
    assert response.status_code == 403
    assert rights(secretariat_user) == (True, False, [SECRETARIAT], [])
    assert list(desk.permissions.values_list("codename", flat=True)) == ["use_desk"]


def test_the_secretariat_resets_a_desk_password(secretariat_client, desk_user):
    new = "another-desk-password-96"
    assert secretariat_client.get(password_url(desk_user)).status_code == 200
    response = secretariat_client.post(
        password_url(desk_user), {"password1": new, "password2": new}
    )
    assert response.status_code == 302
    desk_user.refresh_from_db()
    assert desk_user.check_password(new)
    assert rights(desk_user) == DESK_RIGHTS


def test_the_secretariat_deactivates_desk_accounts(secretariat_client, desk_user):
    response = secretariat_client.post(
        CHANGELIST,
        {"action": "deactivate", ACTION_CHECKBOX_NAME: [desk_user.pk]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["1 desk account deactivated."]
    desk_user.refresh_from_db()
    assert desk_user.is_active is False
    desk = Client()
    desk.post(reverse("desk:login"), {"username": "desk", "password": "a-long-test-password"})
    assert desk.get(reverse("desk:index"))["Location"].startswith(reverse("desk:login"))


def test_the_secretariat_cannot_delete_desk_accounts(secretariat_client, desk_user):
    url = reverse("admin:meetingsite_deskaccount_delete", args=[desk_user.pk])
    assert secretariat_client.post(url, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=desk_user.pk).exists()


def test_a_desk_account_the_secretariat_created_checks_someone_in(secretariat_client):
    meeting = build_meeting(delegations=1, members=1, sessions=1)
    session = working_sessions(meeting)[0]
    participant = meeting.delegations.get().participants.get()
    add_desk_account(secretariat_client)

    desk = Client()
    login = desk.post(reverse("desk:login"), {"username": "desk-fr-1", "password": PASSWORD})
    assert login["Location"] == reverse("desk:index")
    assert desk.get(reverse("desk:index")).status_code == 200
    response = desk.post(
        reverse("desk:check_in"), {"session": session.pk, "participant": participant.pk}
    )
    assert response.status_code == 302
    attendance = Attendance.objects.get()
    assert (attendance.participant, attendance.checked_in_by.username) == (
        participant,
        "desk-fr-1",
    )
    # A desk account is not staff: the admin stays closed to it.
    assert desk.get(reverse("admin:index"))["Location"].startswith(reverse("admin:login"))
