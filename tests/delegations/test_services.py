import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from delegations import services
from delegations.models import Delegation, Meeting, Official, Participant
from delegations.services import Entry
from tests.factories import (
    DelegationFactory,
    MeetingFactory,
    OfficialFactory,
    OrganizationFactory,
    ParticipantFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HEAD = Participant.Role.HEAD
ADVISER = Participant.Role.ADVISER
DETAILS = {"focal_point_name": "Amina Diallo", "focal_point_email": "focal@oau.example"}


def officials_of(delegation):
    return {
        o.family_name: o for o in Official.objects.filter(organization=delegation.organization)
    }


def save(delegation, entries, **kwargs):
    delegation.refresh_from_db()
    return services.registration_save(
        delegation=delegation,
        details=kwargs.pop("details", DETAILS),
        entries=entries,
        version=kwargs.pop("version", delegation.version),
        **kwargs,
    )


def listed(delegation):
    return [
        (p.official.family_name, p.role, p.status)
        for p in delegation.participants.select_related("official").order_by("role_order", "pk")
    ]


def test_token_digest_is_sha256_hex():
    assert services.token_digest("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_link_issue_stores_only_the_digest_and_replaces_the_old_link(invited):
    delegation, first = invited
    delegation.refresh_from_db()
    assert len(first) == 43
    assert delegation.token_digest == services.token_digest(first)
    assert first not in delegation.token_digest
    second = services.link_issue(delegation=delegation)
    delegation.refresh_from_db()
    assert second != first
    assert delegation.token_digest == services.token_digest(second)
    assert delegation.link_active is True


def test_link_revoke(invited):
    delegation, _token = invited
    user = UserFactory()
    assert services.link_revoke(delegation=delegation, by=user) is True
    delegation.refresh_from_db()
    assert delegation.link_active is False
    assert delegation.link_revoked_at is not None
    assert services.link_revoke(delegation=delegation) is False
    latest = delegation.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        user,
        "Registration link revoked",
    )


def test_delegation_invite_creates_the_delegation_once(open_meeting):
    organization = OrganizationFactory()
    delegation, token = services.delegation_invite(meeting=open_meeting, organization=organization)
    again, other_token = services.delegation_invite(
        meeting=open_meeting, organization=organization
    )
    assert again.pk == delegation.pk
    assert Delegation.objects.filter(organization=organization).count() == 1
    again.refresh_from_db()
    assert again.token_digest == services.token_digest(other_token)
    assert again.status == Delegation.Status.INVITED


def test_delegation_invite_invites_a_declined_delegation_again(invited):
    delegation, _token = invited
    services.delegation_decline(delegation=delegation, version=delegation.version)
    again, _token = services.delegation_invite(
        meeting=delegation.meeting, organization=delegation.organization
    )
    assert again.status == Delegation.Status.INVITED


def test_invitation_send_goes_to_the_focal_point(invited):
    delegation, token = invited
    url = f"http://testserver/register/{token}/"
    recipient = services.invitation_send(delegation=delegation, token=token, registration_url=url)
    assert recipient == "focal@oau.example"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["focal@oau.example"]
    assert message.subject == (
        f"{delegation.meeting.short_title}: please register the delegation of "
        "Organization of African Unity (OAU)"
    )
    assert url in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{url}"' in html
    delegation.refresh_from_db()
    assert delegation.invitation_sent_at is not None


def test_invitation_falls_back_to_the_first_official_and_then_to_nobody(invited):
    delegation, token = invited
    delegation.focal_point_email = ""
    assert services.invitation_recipient(delegation) == "salim@oau.example"
    Official.objects.filter(organization=delegation.organization).update(email="")
    assert services.invitation_send(delegation=delegation, token=token, registration_url="x") == ""
    assert mail.outbox == []


def test_registration_save_with_known_and_new_people(invited):
    delegation, _token = invited
    people = officials_of(delegation)
    saved = save(
        delegation,
        [
            Entry(official=people["Salim"], role=HEAD),
            Entry(
                official=None,
                honorific="Ms.",
                given_name="Marie-Thérèse",
                family_name="N'Diaye",
                position="Adviser",
                email="ndiaye@oau.example",
                role=ADVISER,
                special_requirements="Wheelchair access",
            ),
        ],
        reason="Focal point: Amina Diallo",
    )
    assert saved.status == Delegation.Status.REGISTERED
    assert saved.focal_point_name == "Amina Diallo"
    assert saved.registered_at is not None
    assert listed(delegation) == [
        ("Salim", HEAD, Participant.Status.NOMINATED),
        ("N'Diaye", ADVISER, Participant.Status.NOMINATED),
    ]
    new = Official.objects.get(family_name="N'Diaye")
    assert (new.organization, new.given_name, new.email) == (
        delegation.organization,
        "Marie-Thérèse",
        "ndiaye@oau.example",
    )
    assert delegation.participants.get(official=new).special_requirements == "Wheelchair access"
    record = saved.history.first()
    assert (record.history_user, record.history_change_reason, record.status) == (
        None,
        "Focal point: Amina Diallo",
        "registered",
    )


def test_registration_save_matches_a_typed_name_to_the_known_official(invited):
    delegation, _token = invited
    save(
        delegation,
        [Entry(official=None, given_name="salim ahmed", family_name="SALIM", role=HEAD)],
    )
    assert Official.objects.filter(organization=delegation.organization).count() == 2
    salim = officials_of(delegation)["SALIM"]
    # The typed spelling replaces the register's, which history keeps.
    assert salim.history.count() == 2
    assert listed(delegation) == [("SALIM", HEAD, "nominated")]


def test_editing_cancels_the_ones_left_out_and_swaps_the_head(invited):
    delegation, _token = invited
    people = officials_of(delegation)
    save(
        delegation, [Entry(official=people["Salim"], role=HEAD), Entry(official=people["Haggag"])]
    )
    save(delegation, [Entry(official=people["Haggag"], role=HEAD)])
    # A cancelled head keeps the role it had; the database's one-head rule ignores it.
    assert listed(delegation) == [("Haggag", HEAD, "nominated"), ("Salim", HEAD, "cancelled")]
    # Back again: the cancelled row is reused, not duplicated.
    save(
        delegation, [Entry(official=people["Salim"], role=HEAD), Entry(official=people["Haggag"])]
    )
    assert listed(delegation) == [("Salim", HEAD, "nominated"), ("Haggag", ADVISER, "nominated")]


def test_an_unchanged_save_keeps_the_accreditation_a_change_asks_for_it_again(invited):
    delegation, _token = invited
    people = officials_of(delegation)
    entries = [Entry(official=people["Salim"], role=HEAD), Entry(official=people["Haggag"])]
    save(delegation, entries)
    services.delegation_accredit(delegation=delegation)
    assert save(delegation, entries).status == Delegation.Status.ACCREDITED
    assert listed(delegation) == [("Salim", HEAD, "accredited"), ("Haggag", ADVISER, "accredited")]
    changed = [entries[0], Entry(official=people["Haggag"], special_requirements="Vegetarian")]
    assert save(delegation, changed).status == Delegation.Status.REGISTERED
    assert listed(delegation) == [("Salim", HEAD, "accredited"), ("Haggag", ADVISER, "nominated")]


@pytest.mark.parametrize(
    ("roles", "code"),
    [
        ([ADVISER], "one_head"),
        ([HEAD, HEAD], "one_head"),
        ([HEAD, ADVISER, ADVISER, ADVISER], "no_seat_left"),
    ],
)
def test_registration_save_refuses_broken_rules_and_saves_nothing(invited, roles, code):
    delegation, _token = invited
    entries = [
        Entry(official=None, family_name=f"Person {n}", role=role) for n, role in enumerate(roles)
    ]
    with pytest.raises(ValidationError) as error:
        save(delegation, entries)
    assert error.value.code == code
    assert delegation.participants.count() == 0
    assert Official.objects.filter(family_name__startswith="Person").count() == 0
    delegation.refresh_from_db()
    assert (delegation.status, delegation.focal_point_name) == ("invited", "")


def test_registration_save_refuses_the_same_person_twice(invited):
    delegation, _token = invited
    salim = officials_of(delegation)["Salim"]
    with pytest.raises(ValidationError) as error:
        save(delegation, [Entry(official=salim, role=HEAD), Entry(official=salim)])
    assert error.value.code == "listed_twice"


def test_registration_save_refuses_another_organizations_official(invited):
    delegation, _token = invited
    stranger = OfficialFactory()
    with pytest.raises(ValidationError) as error:
        save(delegation, [Entry(official=stranger, role=HEAD)])
    assert error.value.code == "wrong_organization"


def test_registration_save_with_a_stale_version_says_changed_meanwhile(invited):
    delegation, _token = invited
    salim = officials_of(delegation)["Salim"]
    delegation.refresh_from_db()
    seen = delegation.version
    save(delegation, [Entry(official=salim, role=HEAD)])
    with pytest.raises(ValidationError) as error:
        save(delegation, [Entry(official=None, family_name="Late", role=HEAD)], version=seen)
    assert error.value.code == "changed_meanwhile"
    assert "changed by someone else" in error.value.messages[0]
    assert listed(delegation) == [("Salim", HEAD, "nominated")]


def test_registration_save_after_the_deadline_or_revocation_is_refused(invited):
    delegation, _token = invited
    entries = [Entry(official=None, family_name="Late", role=HEAD)]
    meeting = delegation.meeting
    meeting.registration_deadline = timezone.now() - datetime.timedelta(minutes=1)
    meeting.save()
    with pytest.raises(ValidationError) as error:
        save(delegation, entries)
    assert error.value.code == "registration_closed"
    assert error.value.messages[0].startswith("Registration closed on ")
    meeting.registration_deadline = None
    meeting.save()
    services.link_revoke(delegation=delegation)
    with pytest.raises(ValidationError) as error:
        save(delegation, entries)
    assert error.value.messages == [
        "This registration link has been withdrawn by the secretariat."
    ]


def test_names_in_several_scripts_and_html_are_stored_unchanged(invited):
    delegation, _token = invited
    names = ["موفق العلاف", "Иван Корочеля", "<b>Höynck</b> & co"]
    save(
        delegation,
        [
            Entry(official=None, family_name=name, role=HEAD if n == 0 else ADVISER)
            for n, name in enumerate(names)
        ],
    )
    assert sorted(p.official.family_name for p in delegation.participants.all()) == sorted(names)


def test_decline_cancels_the_participants(invited):
    delegation, _token = invited
    salim = officials_of(delegation)["Salim"]
    save(delegation, [Entry(official=salim, role=HEAD)])
    delegation.refresh_from_db()
    declined = services.delegation_decline(delegation=delegation, version=delegation.version)
    assert declined.status == Delegation.Status.DECLINED
    assert listed(delegation) == [("Salim", HEAD, "cancelled")]
    # The focal point may change their mind before the deadline.
    assert save(delegation, [Entry(official=salim, role=HEAD)]).status == "registered"


def test_accredit_only_registered_delegations_and_give_badges(invited):
    delegation, _token = invited
    user = UserFactory()
    with pytest.raises(ValidationError) as error:
        services.delegation_accredit(delegation=delegation, by=user)
    assert error.value.messages == [
        "Organization of African Unity (OAU) is Invited, not registered; it cannot be accredited."
    ]
    salim = officials_of(delegation)["Salim"]
    save(delegation, [Entry(official=salim, role=HEAD)])
    services.delegation_accredit(delegation=delegation, by=user)
    participant = delegation.participants.get()
    assert participant.status == "accredited"
    assert participant.badge_number == f"{delegation.meeting_id:02d}-{participant.pk:05d}"
    record = participant.history.first()
    assert (record.history_user, record.history_change_reason) == (user, "Accredited")
    previous = record.prev_record
    assert previous.status == "nominated"


def test_participant_accredit_and_cancel(invited):
    delegation, _token = invited
    salim = officials_of(delegation)["Salim"]
    save(delegation, [Entry(official=salim, role=HEAD)])
    participant = delegation.participants.get()
    accredited = services.participant_accredit(participant=participant)
    assert accredited.status == "accredited"
    with pytest.raises(ValidationError) as error:
        services.participant_accredit(participant=participant)
    assert error.value.code == "not_nominated"
    assert services.participant_cancel(participant=participant).status == "cancelled"


def test_participant_of_an_invited_delegation_cannot_be_accredited():
    participant = ParticipantFactory()
    with pytest.raises(ValidationError) as error:
        services.participant_accredit(participant=participant)
    assert error.value.code == "not_registered"


def test_withdraw_and_the_transitions_it_closes(invited):
    delegation, _token = invited
    services.delegation_withdraw(delegation=delegation)
    delegation.refresh_from_db()
    assert delegation.status == "withdrawn"
    assert services.registration_refusal(delegation) == (
        "The secretariat has withdrawn this delegation from the meeting."
    )
    with pytest.raises(ValidationError) as error:
        services.delegation_withdraw(delegation=delegation)
    assert error.value.messages == ["A delegation cannot go from “Withdrawn” to “Withdrawn”."]


def test_every_service_raises_the_version(invited):
    delegation, _token = invited
    delegation.refresh_from_db()
    start = delegation.version
    services.link_issue(delegation=delegation)
    services.link_revoke(delegation=delegation)
    delegation.refresh_from_db()
    assert delegation.version == start + 2


def test_confirmation_lists_what_was_registered(invited):
    delegation, token = invited
    salim = officials_of(delegation)["Salim"]
    saved = save(
        delegation,
        [
            Entry(official=salim, role=HEAD),
            Entry(official=None, given_name="<i>Ana</i>", family_name="Ruiz", position="Adviser"),
        ],
    )
    services.registration_confirm_send(delegation=saved, registration_url="http://x/register/t/")
    message = mail.outbox[0]
    assert message.to == ["focal@oau.example"]
    assert message.subject == (
        f"{saved.meeting.short_title}: registration of Organization of African Unity (OAU) "
        "received"
    )
    assert "1. H.E. Mr. Salim Ahmed Salim, Secretary-General — Head of delegation" in message.body
    assert "2. <i>Ana</i> Ruiz, Adviser — Adviser" in message.body
    html = message.alternatives[0][0]
    assert "&lt;i&gt;Ana&lt;/i&gt; Ruiz" in html
    assert "<i>Ana</i>" not in html


def test_unused_factory_delegation_has_no_link():
    delegation = DelegationFactory()
    assert delegation.link_active is False


def test_registration_save_does_not_rename_a_chosen_official(invited):
    delegation, _token = invited
    salim = officials_of(delegation)["Salim"]
    with pytest.raises(ValidationError) as error:
        save(delegation, [Entry(official=salim, family_name="Impostor", role=HEAD)])
    assert error.value.messages == ["Salim Ahmed Salim cannot be renamed to Impostor here."]
    salim.refresh_from_db()
    assert salim.family_name == "Salim"


def test_a_failure_half_way_rolls_back_what_was_already_written(invited):
    delegation, _token = invited
    before = Official.objects.count()
    entries = [
        Entry(official=None, family_name="Written First", role=HEAD),
        Entry(official=None, family_name="Broken", email="not an address"),
    ]
    with pytest.raises(ValidationError) as error:
        save(delegation, entries, details={**DETAILS, "representing": "the presidency"})
    assert error.value.message_dict == {"email": ["Enter a valid email address."]}
    assert Official.objects.count() == before
    delegation.refresh_from_db()
    assert (delegation.representing, delegation.status) == ("", "invited")


# --- The meeting's own time, named as people name it -----------------------------------------


def test_the_deadline_is_shown_in_the_meetings_zone_named_by_its_city(geneva, server_time_zone):
    geneva.registration_deadline = datetime.datetime(2026, 6, 15, 16, tzinfo=datetime.UTC)

    assert services.deadline_display(geneva) == "15 June 2026, 18:00 (Geneva time)"
    geneva.city = ""
    assert services.deadline_display(geneva) == "15 June 2026, 18:00 (Zurich time)"


def test_the_invitation_gives_the_deadline_in_the_meetings_own_time(geneva, server_time_zone):
    geneva.registration_deadline = datetime.datetime(2026, 6, 15, 16, tzinfo=datetime.UTC)
    geneva.save()
    delegation = DelegationFactory(meeting=geneva, **DETAILS)
    delegation, token = services.delegation_invite(
        meeting=geneva, organization=delegation.organization
    )

    services.invitation_send(
        delegation=delegation, token=token, registration_url="http://testserver/register/x/"
    )

    message = mail.outbox[0]
    sentence = "until 15 June 2026, 18:00 (Geneva time)."
    assert sentence in " ".join(message.body.split())
    assert sentence in " ".join(message.alternatives[0][0].split())


# --- the meeting is over ---------------------------------------------------------------


def test_registration_closes_once_the_meeting_is_over_even_without_a_deadline():
    delegation = DelegationFactory(
        meeting__end_date=datetime.date(1996, 2, 16), meeting__registration_deadline=None
    )
    services.link_issue(delegation=delegation)
    delegation.refresh_from_db()
    assert services.registration_refusal(delegation) == (
        "The meeting ended on 16 February 1996; the registration can no longer be changed. "
        "Your credentials can still be sent."
    )
    with pytest.raises(ValidationError) as error:
        services.registration_save(
            delegation=delegation, details=DETAILS, entries=[], version=delegation.version
        )
    assert error.value.code == "registration_closed"


# --- the current meeting ---------------------------------------------------------------


def test_making_a_meeting_current_unsets_the_other_and_publishes_it():
    user = UserFactory(username="secretary")
    old = MeetingFactory(is_current=True)
    draft = MeetingFactory(is_published=False)

    returned = services.meeting_make_current(meeting=draft, by=user)

    assert returned is draft
    assert (draft.is_current, draft.is_published) == (True, True)
    assert list(Meeting.objects.filter(is_current=True)) == [draft]
    old.refresh_from_db()
    assert old.is_current is False
    assert old.is_published is True
    latest = draft.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        user,
        "Made the current meeting",
    )
    assert old.history.first().history_change_reason == "Another meeting was made current"


def test_making_the_current_meeting_current_again_changes_nothing_else():
    meeting = MeetingFactory(is_current=True)
    services.meeting_make_current(meeting=meeting)
    assert list(Meeting.objects.filter(is_current=True)) == [meeting]


def test_e_mail_subjects_are_plain_text_on_one_line(invited):
    delegation, token = invited
    meeting, organization = delegation.meeting, delegation.organization
    meeting.short_title = "UN & <Regional>\nMeeting"
    meeting.save()
    organization.name = 'Pact of "Friends" & O\'Neill <Group>'
    organization.acronym = "P&F"
    organization.save()
    delegation.refresh_from_db()
    url = f"http://testserver/register/{token}/"
    services.invitation_send(delegation=delegation, token=token, registration_url=url)
    services.registration_confirm_send(delegation=delegation, registration_url=url)
    invitation, confirmation = mail.outbox
    name = 'Pact of "Friends" & O\'Neill <Group> (P&F)'
    assert invitation.subject == (
        f"UN & <Regional> Meeting: please register the delegation of {name}"
    )
    assert confirmation.subject == f"UN & <Regional> Meeting: registration of {name} received"
    # The HTML part is still escaped.
    assert "O&#x27;Neill &lt;Group&gt;" in invitation.alternatives[0][0]
