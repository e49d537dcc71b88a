"""The secretariat's registration work in the admin: invite, resend, revoke, accredit."""

import csv
import datetime
import io
import re
import smtplib

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.urls import reverse

from delegations import services
from delegations.models import Delegation, Meeting, Participant
from tests.delegations.test_views import form_data, official
from tests.factories import (
    CredentialsFactory,
    DelegationFactory,
    MeetingFactory,
    OfficialFactory,
    OrganizationFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver/register/([A-Za-z0-9_-]{43})/")


def changelist(model):
    return reverse(f"admin:delegations_{model}_changelist")


def act(client, model, action, objects, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects], **extra}
    return client.post(changelist(model), data, follow=True)


def shown_messages(response):
    return [str(m) for m in response.context["messages"]]


def test_the_whole_flow_from_invitation_to_accreditation(
    secretariat_client, secretariat_user, open_meeting
):
    focal_point = Client()  # not the secretariat's logged-in client
    organization = OrganizationFactory(name="Caribbean Community", acronym="CARICOM")
    OfficialFactory(
        organization=organization,
        given_name="Edwin",
        family_name="Carrington",
        email="carrington@caricom.example",
    )
    # 1. Invite from the organizations' list: a page to choose the meeting, then the e-mail.
    page = act(secretariat_client, "organization", "invite", [organization])
    assert page.templates[0].name == "delegations/admin/invite.html"
    assert "<li>Caribbean Community (CARICOM)</li>" in page.content.decode()
    done = act(
        secretariat_client,
        "organization",
        "invite",
        [organization],
        meeting=open_meeting.pk,
        apply="1",
    )
    assert shown_messages(done) == ["Invitation e-mailed to 1 delegation."]
    delegation = Delegation.objects.get(organization=organization, meeting=open_meeting)
    assert delegation.status == "invited"
    assert mail.outbox[0].to == ["carrington@caricom.example"]
    token = LINK.search(mail.outbox[0].body).group(1)

    # 2. The focal point registers through the link in the e-mail.
    carrington = official(delegation, "Carrington")
    response = focal_point.post(
        f"/register/{token}/",
        form_data(
            delegation,
            [{"official": str(carrington.pk), "role": "head"}, {"family_name": "Persaud"}],
        ),
    )
    assert response.status_code == 302
    assert mail.outbox[1].subject.endswith(
        "registration of Caribbean Community (CARICOM) received"
    )

    # 3. The secretariat accredits from the delegations' list.
    done = act(secretariat_client, "delegation", "accredit", [delegation])
    assert shown_messages(done) == ["1 delegation accredited."]
    delegation.refresh_from_db()
    assert delegation.status == "accredited"
    assert sorted(delegation.participants.values_list("status", flat=True)) == [
        "accredited",
        "accredited",
    ]
    # Who did what, and when, is in the history page.
    history = secretariat_client.get(
        reverse("admin:delegations_delegation_history", args=[delegation.pk])
    )
    assert history.status_code == 200
    records = list(delegation.history.order_by("history_id"))
    assert [(r.status, r.history_user, r.history_change_reason) for r in records] == [
        ("invited", secretariat_user, None),
        ("invited", secretariat_user, "Registration link issued"),
        ("invited", secretariat_user, "Invitation e-mailed to carrington@caricom.example"),
        ("registered", None, "Focal point: Amina Diallo"),
        ("accredited", secretariat_user, "Accredited"),
    ]
    assert "Focal point: Amina Diallo" in history.content.decode()


def test_invite_reports_organizations_without_an_address(secretariat_client, open_meeting):
    organization = OrganizationFactory(name="Western European Union", acronym="WEU")
    done = act(
        secretariat_client,
        "organization",
        "invite",
        [organization],
        meeting=open_meeting.pk,
        apply="1",
    )
    delegation = Delegation.objects.get(organization=organization)
    [message] = shown_messages(done)
    token = LINK.search(message).group(1)
    assert message == (
        "No e-mail address for Western European Union (WEU). Pass on its private link "
        f"yourself, shown here only once: http://testserver/register/{token}/ — or enter a "
        "focal point e-mail on the delegation and use “Send the invitation again”."
    )
    assert delegation.token_digest == services.token_digest(token)
    assert mail.outbox == []


def test_invite_to_a_closed_meeting_warns(secretariat_client):
    meeting = MeetingFactory(
        short_title="Second Meeting",
        start_date=datetime.date(2999, 2, 15),
        end_date=datetime.date(2999, 2, 16),
        registration_deadline=datetime.datetime(1996, 2, 9, 23, 0, tzinfo=datetime.UTC),
    )
    organization = OrganizationFactory(name="League of Arab States", acronym="LAS")
    done = act(
        secretariat_client, "organization", "invite", [organization], meeting=meeting.pk, apply="1"
    )
    assert shown_messages(done)[0] == (
        "Registration for Second Meeting (2999) closed on 9 February 1996, 18:00 "
        "(New York time): the links open the registration read-only. Move the deadline "
        "on the meeting first."
    )


def test_resend_issues_a_new_link_and_the_old_one_stops(secretariat_client, client, invited):
    delegation, old_token = invited
    done = act(secretariat_client, "delegation", "send_invitation", [delegation])
    assert shown_messages(done) == ["Invitation e-mailed to 1 delegation."]
    new_token = LINK.search(mail.outbox[0].body).group(1)
    assert new_token != old_token
    assert client.get(f"/register/{old_token}/").status_code == 404
    assert client.get(f"/register/{new_token}/").status_code == 200


def test_revoke_link(secretariat_client, client, invited):
    delegation, token = invited
    done = act(secretariat_client, "delegation", "revoke_link", [delegation])
    assert shown_messages(done) == ["1 registration link revoked."]
    assert client.get(f"/register/{token}/").status_code == 410
    changelist_html = secretariat_client.get(changelist("delegation")).content.decode()
    assert '<td class="field-link_status">revoked</td>' in changelist_html


def test_accredit_many_reports_the_ones_that_cannot_be(secretariat_client, open_meeting):
    registered = [DelegationFactory(meeting=open_meeting, status="registered") for _n in range(3)]
    for delegation in registered:
        ParticipantFactory(delegation=delegation, role="head")
    invited = DelegationFactory(meeting=open_meeting, organization__name="Invited Only")
    done = act(secretariat_client, "delegation", "accredit", [*registered, invited])
    assert shown_messages(done) == [
        "3 delegations accredited.",
        f"Invited Only ({invited.organization.acronym}) is Invited, not registered; "
        "it cannot be accredited.",
    ]
    assert Participant.objects.filter(status="accredited").count() == 3


def test_withdraw(secretariat_client, invited):
    delegation, _token = invited
    done = act(secretariat_client, "delegation", "withdraw", [delegation])
    assert shown_messages(done) == ["1 delegation withdrawn."]
    delegation.refresh_from_db()
    assert delegation.status == "withdrawn"


def test_participant_actions(secretariat_client, open_meeting):
    delegation = DelegationFactory(meeting=open_meeting, status="registered")
    first, second = (
        ParticipantFactory(delegation=delegation),
        ParticipantFactory(delegation=delegation),
    )
    done = act(secretariat_client, "participant", "accredit", [first, second])
    assert shown_messages(done) == ["2 participants accredited."]
    done = act(secretariat_client, "participant", "cancel", [first])
    assert shown_messages(done) == ["1 participant cancelled."]
    first.refresh_from_db()
    assert first.status == "cancelled"
    record = first.history.first()
    assert record.history_change_reason == "Cancelled by the secretariat"
    assert record.prev_record.status == "accredited"


def test_an_admin_edit_makes_an_open_registration_form_stale(secretariat_client, client, invited):
    delegation, token = invited
    stale = form_data(delegation, [{"family_name": "Ruiz", "role": "head"}])
    url = reverse("admin:delegations_delegation_change", args=[delegation.pk])
    page = secretariat_client.get(url)
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None
    }
    data.update(
        {
            "meeting": delegation.meeting_id,
            "organization": delegation.organization_id,
            "representing": "the presidency",
            "participants-TOTAL_FORMS": "0",
            "participants-INITIAL_FORMS": "0",
        }
    )
    assert secretariat_client.post(url, data).status_code == 302
    response = client.post(f"/register/{token}/", stale)
    assert "This registration was changed by someone else" in response.content.decode()


def test_admin_participant_form_refuses_the_seat_over_the_limit(secretariat_client, open_meeting):
    delegation = DelegationFactory(meeting=open_meeting, seats_allowed=1)
    ParticipantFactory(delegation=delegation, role="head")
    newcomer = OfficialFactory(organization=delegation.organization)
    response = secretariat_client.post(
        reverse("admin:delegations_participant_add"),
        {"delegation": delegation.pk, "official": newcomer.pk, "role": "adviser"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "The delegation has no seat left (1 allowed)."
    ]


def test_send_again_brings_back_a_declined_delegation(secretariat_client, invited):
    delegation, _token = invited
    services.delegation_decline(delegation=delegation, version=delegation.version)
    act(secretariat_client, "delegation", "send_invitation", [delegation])
    delegation.refresh_from_db()
    assert delegation.status == "invited"
    assert len(mail.outbox) == 1


class FailingBackend(BaseEmailBackend):
    """A mail backend that raises what the test sets in ``error``."""

    error = OSError("Connection refused")

    def send_messages(self, email_messages):
        raise self.error


def test_invite_writes_the_mail_with_the_file_backend(
    settings, tmp_path, secretariat_client, open_meeting, invited
):
    # What EMAIL_URL=filemail:///some/dir configures (meetingsite/settings.py).
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    delegation, _token = invited
    done = act(secretariat_client, "delegation", "send_invitation", [delegation])
    assert shown_messages(done) == ["Invitation e-mailed to 1 delegation."]
    [written] = (tmp_path / "mail").iterdir()
    token = LINK.search(written.read_text()).group(1)
    delegation.refresh_from_db()
    assert delegation.token_digest == services.token_digest(token)
    assert delegation.invitation_sent_at is not None


def test_the_file_backend_directory_comes_from_email_url(monkeypatch, tmp_path):
    """django-environ drops the leading "/" of filemail:///dir; the settings keep it."""
    import importlib

    import meetingsite.settings

    monkeypatch.setenv("EMAIL_URL", f"filemail://{tmp_path}/mail")
    try:
        reloaded = importlib.reload(meetingsite.settings)
        configured = (reloaded.EMAIL_BACKEND, reloaded.EMAIL_FILE_PATH)
        assert configured == (
            "django.core.mail.backends.filebased.EmailBackend",
            str(tmp_path / "mail"),
        )
    finally:
        monkeypatch.delenv("EMAIL_URL")
        importlib.reload(meetingsite.settings)


@pytest.mark.parametrize(
    "error",
    [
        OSError("Connection refused"),
        smtplib.SMTPRecipientsRefused({"focal@oau.example": (550, b"No such user")}),
        ImproperlyConfigured("EMAIL_FILE_PATH is not a directory"),
        TypeError(),
    ],
    ids=lambda e: type(e).__name__,
)
def test_a_failed_send_keeps_the_delegation_invited_and_shows_its_link_once(
    settings, monkeypatch, secretariat_client, invited, error
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    monkeypatch.setattr(FailingBackend, "error", error)
    delegation, _old_token = invited
    done = act(secretariat_client, "delegation", "send_invitation", [delegation])
    assert done.status_code == 200
    [message] = shown_messages(done)
    token = LINK.search(message).group(1)
    reason = str(error) or type(error).__name__
    assert message == (
        f"Could not e-mail the invitation to {delegation.organization} ({reason}). It is "
        "invited all the same: pass on its private link yourself, shown here only once: "
        f"http://testserver/register/{token}/ — or use “Send the invitation again” later."
    )
    delegation.refresh_from_db()
    assert (delegation.status, delegation.invitation_sent_at) == ("invited", None)
    assert delegation.token_digest == services.token_digest(token)
    assert Client().get(f"/register/{token}/").status_code == 200


def test_invite_action_reports_each_failure_beside_the_ones_sent(
    settings, monkeypatch, secretariat_client, open_meeting
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    reached = OrganizationFactory(name="Caribbean Community", acronym="CARICOM")
    OfficialFactory(organization=reached, email="carrington@caricom.example")
    unreached = OrganizationFactory(name="League of Arab States", acronym="LAS")
    OfficialFactory(organization=unreached, email="allaf@las.example")
    sent = []

    def send_messages(backend, email_messages):
        if email_messages[0].to == ["allaf@las.example"]:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        sent.extend(email_messages)
        return len(email_messages)

    monkeypatch.setattr(FailingBackend, "send_messages", send_messages)
    done = act(
        secretariat_client,
        "organization",
        "invite",
        [reached, unreached],
        meeting=open_meeting.pk,
        apply="1",
    )
    first, second = shown_messages(done)
    assert first == "Invitation e-mailed to 1 delegation."
    assert second.startswith(
        "Could not e-mail the invitation to League of Arab States (LAS) (Connection "
        "unexpectedly closed). It is invited all the same"
    )
    assert [m.to for m in sent] == [["carrington@caricom.example"]]
    statuses = Delegation.objects.filter(meeting=open_meeting).values_list("status", flat=True)
    assert list(statuses) == ["invited", "invited"]


# --- meetings ----------------------------------------------------------------------------


def test_make_this_the_current_meeting(secretariat_client, secretariat_user):
    old = MeetingFactory(short_title="First", is_current=True)
    geneva = MeetingFactory(short_title="Geneva", is_published=False)

    done = act(secretariat_client, "meeting", "make_current", [geneva])

    assert shown_messages(done) == [
        "Geneva (1996) is now the current meeting, and it has been published: the public "
        "site's home page and the registration desk show it."
    ]
    assert list(Meeting.objects.filter(is_current=True)) == [geneva]
    old.refresh_from_db()
    assert old.is_current is False
    assert geneva.history.first().history_user == secretariat_user
    again = act(secretariat_client, "meeting", "make_current", [geneva])
    assert shown_messages(again) == [
        "Geneva (1996) is now the current meeting: the public site's home page and the "
        "registration desk show it."
    ]


def test_make_current_takes_exactly_one_meeting(secretariat_client):
    first = MeetingFactory(is_current=True)
    second = MeetingFactory()

    done = act(secretariat_client, "meeting", "make_current", [first, second])

    assert shown_messages(done) == ["Select exactly one meeting to make it the current meeting."]
    assert list(Meeting.objects.filter(is_current=True)) == [first]


def test_view_on_site_opens_the_meetings_public_page(secretariat_client):
    meeting = MeetingFactory(slug="geneva-2026")
    change = secretariat_client.get(
        reverse("admin:delegations_meeting_change", args=[meeting.pk])
    ).content.decode()
    link = re.search(r'<a href="([^"]*)" class="viewsitelink">', change).group(1)

    assert link == "/meetings/geneva-2026/"
    assert secretariat_client.get(link).status_code == 200


def test_an_unpublished_meeting_offers_no_view_on_site(secretariat_client):
    meeting = MeetingFactory(is_published=False)
    change = secretariat_client.get(
        reverse("admin:delegations_meeting_change", args=[meeting.pk])
    ).content.decode()
    assert "viewsitelink" not in change


def test_invite_to_a_meeting_that_is_over_warns(secretariat_client):
    meeting = MeetingFactory(short_title="Second Meeting", registration_deadline=None)
    organization = OrganizationFactory(name="League of Arab States", acronym="LAS")
    done = act(
        secretariat_client, "organization", "invite", [organization], meeting=meeting.pk, apply="1"
    )
    assert shown_messages(done)[0] == (
        "Second Meeting (1996) ended on 16 February 1996: the links open the registration "
        "read-only; credentials can still be sent."
    )


def change_form_data(response):
    """What the browser posts back for an admin change page as it was shown."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            data[bound.html_name] = "on" if value is True else value
    return data


def test_the_admin_saves_a_delegation_whose_focal_point_replaced_people(
    secretariat_client, invited
):
    """Cancelled participants hold no seat and are no head: the read-only status in the
    inline is read from the participant, since the form does not post it."""
    delegation, _token = invited
    first = [OfficialFactory(organization=delegation.organization) for _ in range(3)]
    second = [OfficialFactory(organization=delegation.organization) for _ in range(3)]
    details = {"focal_point_name": "Amina Diallo", "focal_point_email": "focal@oau.example"}
    for officials in (first, second):
        delegation.refresh_from_db()
        services.registration_save(
            delegation=delegation,
            details=details,
            entries=[
                services.Entry(official=o, role="head" if i == 0 else "adviser")
                for i, o in enumerate(officials)
            ],
            version=delegation.version,
        )
    assert delegation.participants.filter(status="cancelled").count() == 3
    assert delegation.participants.count() == 6 > delegation.seats == 3
    url = reverse("admin:delegations_delegation_change", args=[delegation.pk])
    data = change_form_data(secretariat_client.get(url))
    data["protocol_order"] = "7"

    response = secretariat_client.post(url, data, follow=True)

    assert shown_messages(response) == [
        f'The delegation “<a href="{url}">{delegation}</a>” was changed successfully.'
    ]
    delegation.refresh_from_db()
    assert delegation.protocol_order == 7
    assert sorted(delegation.participants.values_list("role", "status")) == [
        ("adviser", "cancelled"),
        ("adviser", "cancelled"),
        ("adviser", "nominated"),
        ("adviser", "nominated"),
        ("head", "cancelled"),
        ("head", "nominated"),
    ]


def test_the_admin_still_refuses_a_second_head_among_the_active(secretariat_client, invited):
    delegation, _token = invited
    head, other = (ParticipantFactory(delegation=delegation, role=r) for r in ("head", "adviser"))
    url = reverse("admin:delegations_delegation_change", args=[delegation.pk])
    data = change_form_data(secretariat_client.get(url))
    index = next(k for k, v in data.items() if k.endswith("-id") and v == other.pk)
    data[index.replace("-id", "-role")] = "head"

    response = secretariat_client.post(url, data)

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors() == [
        "A delegation has one head of delegation; 2 are marked."
    ]
    assert head.pk and delegation.participants.filter(role="head").count() == 1


def test_the_admin_and_the_desk_say_the_same_about_credentials(
    secretariat_client, desk_user, secretariat_user
):
    """Accredited or not, a delegation's credentials are what its Credentials record
    says, in the same words on the admin's list and in the desk's report."""
    meeting = MeetingFactory(is_current=True)
    missing, received, verified = (
        DelegationFactory(meeting=meeting, status="accredited", organization__name=name)
        for name in ("Andean Community", "Caribbean Community", "League of Arab States")
    )
    for delegation in (received, verified):
        CredentialsFactory(delegation=delegation)
    services.credentials_verify(credentials=verified.credentials, by=secretariat_user)
    page = secretariat_client.get(changelist("delegation"), {"meeting__id__exact": meeting.pk})
    admin_says = dict(
        re.findall(
            r'<th class="field-delegation"><a [^>]*>([^<]*)<span.*?'
            r'<td class="field-credentials_state">([^<]*)</td>',
            page.content.decode(),
        )
    )
    desk = Client()
    desk.force_login(desk_user)
    report = desk.get(reverse("desk:credentials"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))[1:]
    desk_says = {row[0]: row[1] for row in rows}

    assert (
        admin_says
        == desk_says
        == {
            str(missing.organization): "Missing",
            str(received.organization): "Received, not verified",
            str(verified.organization): "Verified",
        }
    )
    assert desk.get(reverse("desk:documents")).context["credentials_missing"] == [
        str(missing.organization)
    ]
    filtered = secretariat_client.get(
        changelist("delegation"), {"meeting__id__exact": meeting.pk, "credentials": "missing"}
    )
    assert list(filtered.context["cl"].result_list) == [missing]


@pytest.mark.parametrize("size", [1, 12])
def test_the_delegations_list_reads_a_constant_number_of_queries(
    secretariat_client, open_meeting, size, django_assert_num_queries
):
    for delegation in DelegationFactory.create_batch(size, meeting=open_meeting):
        ParticipantFactory(delegation=delegation, role="head")
        CredentialsFactory(delegation=delegation)
    secretariat_client.get(changelist("delegation"))  # the session and permissions, cached
    with django_assert_num_queries(8):
        response = secretariat_client.get(changelist("delegation"))
    assert response.content.decode().count("1 of 3") == size


def test_the_invitations_link_comes_from_site_url_not_the_host(
    secretariat_client, invited, settings
):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = "https://meetings.example.org"
    delegation, _old_token = invited
    data = {"action": "send_invitation", ACTION_CHECKBOX_NAME: [delegation.pk]}
    response = secretariat_client.post(changelist("delegation"), data, HTTP_HOST="127.0.0.1:31337")
    assert response.status_code == 302
    body = mail.outbox[0].body
    assert "31337" not in body
    assert re.search(r"https://meetings\.example\.org/register/[A-Za-z0-9_-]{43}/", body)
