import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from delegations import services
from delegations.models import Delegation, Official, Participant
from delegations.services import Entry
from tests.factories import DelegationFactory, OfficialFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def url(token, name="register"):
    return reverse(f"registration:{name}", args=[token])


def form_data(delegation, rows, *, initial=0, **details):
    """What the browser posts: the delegation's fields and one block per participant row."""
    delegation.refresh_from_db()
    data = {
        "delegation-focal_point_name": "Amina Diallo",
        "delegation-focal_point_email": "focal@oau.example",
        "delegation-focal_point_phone": "",
        "delegation-representing": "",
        "delegation-version": str(delegation.version),
        "participants-TOTAL_FORMS": str(len(rows)),
        "participants-INITIAL_FORMS": str(initial),
        "participants-MIN_NUM_FORMS": "0",
        "participants-MAX_NUM_FORMS": "200",
    }
    data.update({f"delegation-{key}": value for key, value in details.items()})
    for index, row in enumerate(rows):
        values = {
            "official": "",
            "honorific": "",
            "given_name": "",
            "family_name": "",
            "position": "",
            "email": "",
            "role": "adviser",
            "representing": "",
            "special_requirements": "",
        }
        values.update(row)
        data.update({f"participants-{index}-{key}": value for key, value in values.items()})
    return data


def official(delegation, family_name):
    return Official.objects.get(organization=delegation.organization, family_name=family_name)


def errors_of(response):
    """The text of every error message shown on the page, in order."""
    html = response.content.decode()
    found = re.findall(r'<span id="error_\d+_[^"]+"><strong>(.*?)</strong></span>', html, re.S)
    found += re.findall(r"<li>(.*?)</li>", html, re.S)
    return found


def test_the_form_shows_this_delegation_and_its_officials_only(client, invited):
    delegation, token = invited
    other = DelegationFactory(meeting=delegation.meeting, organization__name="Western Union")
    OfficialFactory(organization=other.organization, family_name="Cutileiro")
    response = client.get(url(token))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="h2">Delegation of Organization of African Unity (OAU)</h1>' in html
    salim = official(delegation, "Salim")
    assert (
        f'<option value="{salim.pk}">H.E. Mr. Salim Ahmed Salim — Secretary-General</option>'
        in (html)
    )
    assert "Cutileiro" not in html
    assert "Western Union" not in html
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert response["Referrer-Policy"] == "same-origin"
    assert len(response.context["formset"].forms) == 3


def test_a_token_of_a_cannot_be_used_on_b(client, invited):
    delegation, token = invited
    other = DelegationFactory(meeting=delegation.meeting, organization__name="Western Union")
    other_token = services.link_issue(delegation=other)
    salim = official(delegation, "Salim")
    # Organization B posts one of A's officials: refused, nothing saved on either side.
    response = client.post(
        url(other_token), form_data(other, [{"official": str(salim.pk), "role": "head"}])
    )
    assert response.status_code == 200
    assert errors_of(response) == [
        f"Select a valid choice. {salim.pk} is not one of the available choices."
    ]
    assert Participant.objects.count() == 0
    assert client.get(url(other_token)).context["delegation"] == other


def test_unknown_token_is_404(client, invited):
    response = client.get(url("not-a-real-token"))
    assert response.status_code == 404
    assert "This registration link is not valid." in response.content.decode()
    assert client.get(url("x" * 500)).status_code == 404


def test_revoked_link_is_410_and_shows_nothing_of_the_delegation(client, invited):
    delegation, token = invited
    services.link_revoke(delegation=delegation)
    for name in ("register", "done", "decline"):
        response = client.get(url(token, name))
        assert response.status_code == 410
        html = response.content.decode()
        assert "This registration link has been withdrawn by the secretariat." in html
        assert "African Unity" not in html
    assert client.post(url(token), {}).status_code == 410


def test_after_the_deadline_the_registration_is_read_only(client, invited):
    delegation, token = invited
    services.registration_save(
        delegation=delegation,
        details={"focal_point_name": "Amina Diallo", "focal_point_email": "focal@oau.example"},
        entries=[Entry(official=official(delegation, "Salim"), role="head")],
        version=delegation.version,
    )
    meeting = delegation.meeting
    meeting.registration_deadline = datetime.datetime(2026, 1, 9, 23, 0, tzinfo=datetime.UTC)
    meeting.save()
    response = client.get(url(token))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Registration closed on 9 January 2026, 18:00 (New York time)." in html
    assert '<td data-label="Name"><bdi>H.E. Mr. Salim Ahmed Salim</bdi></td>' in html
    assert "Save the registration" not in html.split('id="main"')[1]
    posted = client.post(url(token), form_data(delegation, [{"family_name": "Late"}]))
    assert posted.status_code == 403
    assert Official.objects.filter(family_name="Late").count() == 0


def test_registering_redirects_to_the_confirmation_and_mails_it(client, invited):
    delegation, token = invited
    salim = official(delegation, "Salim")
    response = client.post(
        url(token),
        form_data(
            delegation,
            [
                {"official": str(salim.pk), "role": "head"},
                {
                    "honorific": "Ms.",
                    "given_name": "Марина",
                    "family_name": "Иванова",
                    "position": "Adviser",
                    "special_requirements": "Vegetarian",
                },
                {},
            ],
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == url(token, "done")
    delegation.refresh_from_db()
    assert delegation.status == Delegation.Status.REGISTERED
    assert delegation.focal_point_name == "Amina Diallo"
    assert [(p.official.full_name, p.role) for p in delegation.participants.all()] == [
        ("H.E. Mr. Salim Ahmed Salim", "head"),
        ("Ms. Марина Иванова", "adviser"),
    ]
    assert len(mail.outbox) == 1
    assert f"http://testserver{url(token)}" in mail.outbox[0].body
    done = client.get(response["Location"])
    html = done.content.decode()
    assert "Thank you. This is what is registered for your delegation." in html
    assert "A copy has been sent to focal@oau.example." in html
    assert '<td data-label="Name"><bdi>Ms. Марина Иванова</bdi></td>' in html
    assert '<td data-label="Special requirements">Vegetarian</td>' in html


def test_coming_back_shows_the_registration_and_can_change_it(client, invited):
    delegation, token = invited
    salim, haggag = official(delegation, "Salim"), official(delegation, "Haggag")
    client.post(
        url(token),
        form_data(
            delegation,
            [{"official": str(salim.pk), "role": "head"}, {"official": str(haggag.pk)}],
        ),
    )
    page = client.get(url(token))
    formset = page.context["formset"]
    assert [form.initial["family_name"] for form in formset.initial_forms] == ["Salim", "Haggag"]
    assert len(formset.forms) == 3
    rows = [
        {"official": str(salim.pk), "role": "head", "family_name": "Salim"},
        {"official": str(haggag.pk), "DELETE": "on"},
        {},
    ]
    response = client.post(url(token), form_data(delegation, rows, initial=2))
    assert response.status_code == 302
    assert [(p.official.family_name, p.status) for p in delegation.participants.all()] == [
        ("Salim", "nominated"),
        ("Haggag", "cancelled"),
    ]


@pytest.mark.parametrize(
    ("rows", "messages"),
    [
        ([{"family_name": "Only"}], ["Mark one participant as head of delegation."]),
        (
            [{"family_name": "One", "role": "head"}, {"family_name": "Two", "role": "head"}],
            ["A delegation has one head; One is already head of delegation."],
        ),
        (
            [{"family_name": f"P{n}", "role": "head" if n == 0 else "adviser"} for n in range(4)],
            [
                "The delegation has 3 seats; 4 participants are listed. Remove 1.",
                "No seat is left for this participant.",
            ],
        ),
        (
            [{"given_name": "Ana", "role": "head"}],
            ["Give the family name, or choose an official from the list."],
        ),
        (
            [{"family_name": "Ruiz", "role": "head"}, {"family_name": "ruíz"}],
            ["Ruiz is already listed as participant 1.".replace("Ruiz", "ruíz")],
        ),
        (
            [{"family_name": "x" * 101, "role": "head"}],
            ["Ensure this value has at most 100 characters (it has 101)."],
        ),
        (
            [{"family_name": "Ruiz", "role": "head", "email": "not-an-address"}],
            ["Enter a valid email address."],
        ),
    ],
    ids=["no-head", "two-heads", "seats", "family-name", "twice", "length", "email"],
)
def test_each_rule_has_its_message_and_saves_nothing(client, invited, rows, messages):
    delegation, token = invited
    response = client.post(url(token), form_data(delegation, rows))
    assert response.status_code == 200
    assert errors_of(response) == messages
    assert Participant.objects.count() == 0
    # What was typed stays on the page.
    for index, row in enumerate(rows):
        if "family_name" in row:
            field = response.context["formset"].forms[index]["family_name"]
            assert field.value() == row["family_name"]


def test_focal_point_fields_are_required(client, invited):
    delegation, token = invited
    data = form_data(delegation, [{"family_name": "Ruiz", "role": "head"}], focal_point_name="")
    response = client.post(url(token), data)
    assert errors_of(response) == ["This field is required."]
    assert response.context["details"].errors == {"focal_point_name": ["This field is required."]}


def test_the_same_official_twice_is_named_in_the_message(client, invited):
    delegation, token = invited
    salim = official(delegation, "Salim")
    rows = [
        {"official": str(salim.pk), "role": "head"},
        {"given_name": "Salim Ahmed", "family_name": "SALIM"},
    ]
    response = client.post(url(token), form_data(delegation, rows))
    assert errors_of(response) == ["Salim Ahmed SALIM is already listed as participant 1."]


def test_changed_meanwhile_keeps_the_input_and_shows_the_saved_registration(client, invited):
    delegation, token = invited
    salim = official(delegation, "Salim")
    stale = form_data(delegation, [{"family_name": "Ruiz", "given_name": "Ana", "role": "head"}])
    services.registration_save(
        delegation=delegation,
        details={"focal_point_name": "Someone Else", "focal_point_email": "other@oau.example"},
        entries=[Entry(official=salim, role="head")],
        version=delegation.version,
    )
    response = client.post(url(token), stale)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This registration was changed by someone else while you were editing it." in html
    assert "The registration as it is saved now" in html
    assert '<td data-label="Name"><bdi>H.E. Mr. Salim Ahmed Salim</bdi></td>' in html
    assert response.context["formset"].forms[0]["family_name"].value() == "Ruiz"
    assert [p.official.family_name for p in delegation.participants.all()] == ["Salim"]
    # Submitting again after checking goes through: the page carries the new version.
    again = dict(stale)
    again["delegation-version"] = response.context["details"]["version"].value()
    assert client.post(url(token), again).status_code == 302
    assert [(p.official.family_name, p.status) for p in delegation.participants.all()] == [
        ("Ruiz", "nominated"),
        ("Salim", "cancelled"),
    ]


def test_names_in_other_scripts_and_html_are_escaped_on_the_page(client, invited):
    delegation, token = invited
    rows = [
        {"family_name": "<script>alert(1)</script>", "role": "head"},
        {"given_name": "موفق", "family_name": "العلاف"},
    ]
    client.post(url(token), form_data(delegation, rows))
    assert Official.objects.filter(family_name="<script>alert(1)</script>").count() == 1
    html = client.get(url(token, "done")).content.decode()
    assert '<td data-label="Name"><bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi></td>' in html
    assert "<script>alert(1)</script>" not in html
    assert '<td data-label="Name"><bdi>موفق العلاف</bdi></td>' in html


def test_decline_asks_first_then_declines(client, invited):
    delegation, token = invited
    page = client.get(url(token, "decline"))
    assert (
        "Declining tells the secretariat that Organization of African Unity (OAU) will not "
        "attend." in page.content.decode()
    )
    delegation.refresh_from_db()
    response = client.post(url(token, "decline"), {"version": delegation.version})
    assert response.status_code == 302
    delegation.refresh_from_db()
    assert delegation.status == "declined"
    done = client.get(response["Location"]).content.decode()
    assert "You have declined the invitation for Organization of African Unity (OAU)." in done
    assert "Register the delegation</a>" in done


def test_decline_with_a_stale_version_says_so(client, invited):
    delegation, token = invited
    response = client.post(url(token, "decline"), {"version": "1"})
    assert response.status_code == 200
    assert "This registration was changed by someone else" in response.content.decode()
    delegation.refresh_from_db()
    assert delegation.status == "invited"


def test_withdrawn_delegation_sees_its_registration_read_only(client, invited):
    delegation, token = invited
    services.delegation_withdraw(delegation=delegation)
    response = client.get(url(token))
    assert response.status_code == 200
    assert "The secretariat has withdrawn this delegation from the meeting." in (
        response.content.decode()
    )


def make_registered(size):
    """A delegation with ``size`` participants and twice as many known officials."""
    delegation = DelegationFactory(
        seats_allowed=size + 1,
        meeting__start_date=timezone.localdate() + datetime.timedelta(days=30),
        meeting__end_date=timezone.localdate() + datetime.timedelta(days=31),
        meeting__registration_deadline=timezone.now() + datetime.timedelta(days=1),
    )
    for n in range(size):
        ParticipantFactory(delegation=delegation, role="head" if n == 0 else "adviser")
        OfficialFactory(organization=delegation.organization)
    return delegation, services.link_issue(delegation=delegation)


@pytest.mark.parametrize("size", [2, 12])
def test_registration_page_queries_do_not_grow(client, django_assert_num_queries, size):
    delegation, token = make_registered(size)
    # Delegation, participants with officials, the organization's officials.
    with django_assert_num_queries(3):
        response = client.get(url(token))
    assert len(response.context["formset"].forms) == size + 1


@pytest.mark.parametrize("size", [2, 12])
def test_confirmation_page_queries_do_not_grow(client, django_assert_num_queries, size):
    delegation, token = make_registered(size)
    with django_assert_num_queries(2):
        response = client.get(url(token, "done"))
    assert len(response.context["participants"]) == size


# --- a meeting that is over --------------------------------------------------------------

OVER = (
    "The meeting ended on 16 February 1996; the registration can no longer be changed. "
    "Your credentials can still be sent."
)


@pytest.fixture
def past():
    """A delegation of a meeting that ended on 16 February 1996, with no deadline set."""
    delegation = DelegationFactory(meeting__registration_deadline=None)
    return delegation, services.link_issue(delegation=delegation)


def test_the_registration_of_a_meeting_that_is_over_says_so_and_what_still_works(client, past):
    delegation, token = past
    credentials_link = f'<a href="{url(token, "credentials")}">'

    page = client.get(url(token))
    posted = client.post(url(token), {})
    done = client.get(url(token, "done")).content.decode()
    credentials = client.get(url(token, "credentials")).content.decode()

    assert page.status_code == 200
    html = page.content.decode()
    assert f'<div class="alert alert-info" role="status">{OVER}</div>' in html
    assert credentials_link in html
    assert "Save the registration" not in html
    assert posted.status_code == 403
    assert f'<div class="alert alert-info" role="status">{OVER}</div>' in done
    assert credentials_link in done
    assert "Change the registration" not in done
    assert f'<div class="alert alert-info" role="status">{OVER}</div>' in credentials
    assert '<button type="submit" class="btn btn-primary">Send the credentials</button>' in (
        credentials
    )
    assert client.get(url(token, "decline")).content.decode().count(OVER) == 1


def speakers_link(token):
    # By path, not reverse("speakers:…"): the agenda app serves it, and these tests are
    # about what the registration pages show.
    text = "Inscribe your delegation on the speakers' lists"
    return f'<a href="/register/{token}/speakers/">{text}</a>'


def test_the_registration_and_its_confirmation_link_to_the_speakers_page(client, invited):
    delegation, token = invited
    assert speakers_link(token) in client.get(url(token)).content.decode()
    services.registration_save(
        delegation=delegation,
        details={"focal_point_name": "Amina Diallo", "focal_point_email": "focal@oau.example"},
        entries=[Entry(official=official(delegation, "Salim"), role="head")],
        version=delegation.version,
    )
    assert speakers_link(token) in client.get(url(token, "done")).content.decode()


def test_a_declined_delegation_is_not_sent_to_the_speakers_page(client, invited):
    delegation, token = invited
    services.delegation_decline(delegation=delegation, version=delegation.version)
    assert speakers_link(token) not in client.get(url(token, "done")).content.decode()
    assert speakers_link(token) not in client.get(url(token)).content.decode()


def test_the_confirmations_link_comes_from_site_url_not_the_host(client, invited, settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = "https://meetings.example.org"
    delegation, token = invited
    salim = official(delegation, "Salim")
    response = client.post(
        url(token),
        form_data(delegation, [{"official": str(salim.pk), "role": "head"}]),
        HTTP_HOST="127.0.0.1:31337",
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "31337" not in mail.outbox[0].body
    assert f"https://meetings.example.org{url(token)}" in mail.outbox[0].body
