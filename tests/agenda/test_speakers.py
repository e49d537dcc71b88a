import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agenda import services
from agenda.models import Inscription, SpeakersList
from delegations import services as delegation_services
from delegations.models import Delegation, Organization, Participant
from tests.factories import (
    AgendaItemFactory,
    DelegationFactory,
    MeetingFactory,
    OrganizationFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(1996, 2, 15, 14, 0, tzinfo=datetime.UTC)
Level = Inscription.Level


def at(minutes):
    return T0 + datetime.timedelta(minutes=minutes)


@pytest.fixture
def meeting():
    return MeetingFactory(is_current=True)


@pytest.fixture
def item(meeting):
    return AgendaItemFactory(meeting=meeting, number=3, title="Peace-keeping")


def delegation(meeting, acronym, **kwargs):
    organization = OrganizationFactory(name=f"Organization {acronym}", acronym=acronym)
    return DelegationFactory(meeting=meeting, organization=organization, **kwargs)


@pytest.fixture
def five(meeting, item):
    """A to E inscribed a minute apart: A other, B head, C other, D presiding, E head."""
    levels = {"A": Level.OTHER, "B": Level.HEAD, "C": Level.OTHER, "D": Level.PRESIDING}
    levels["E"] = Level.HEAD
    inscriptions = {}
    for minute, (acronym, level) in enumerate(levels.items()):
        inscriptions[acronym] = services.inscription_add(
            agenda_item=item, delegation=delegation(meeting, acronym), level=level, now=at(minute)
        )
    return inscriptions


def order(item):
    speakers_list = SpeakersList.objects.get(agenda_item=item)
    ordered, _speaking, _withdrawn = speakers_list.rows()
    return [
        i.delegation.organization.acronym + ("*" if i.is_reply else "") + _mark(i) for i in ordered
    ]


def _mark(inscription):
    return {"spoken": " spoken", "speaking": " speaking"}.get(inscription.status, "")


def set_levels_first(item, value=True):
    SpeakersList.objects.filter(agenda_item=item).update(levels_first=value)


# ---------------------------------------------------------------- speaking order


def test_order_follows_inscription_time_by_default(item, five):
    assert order(item) == ["A", "B", "C", "D", "E"]


def test_levels_first_puts_presiding_officers_then_heads_ahead(item, five):
    set_levels_first(item)
    assert order(item) == ["D", "B", "E", "A", "C"]


def test_equal_times_fall_back_to_the_order_of_inscription(meeting, item):
    for acronym in ["X", "Y", "Z"]:
        services.inscription_add(agenda_item=item, delegation=delegation(meeting, acronym), now=T0)
    assert order(item) == ["X", "Y", "Z"]


def test_rights_of_reply_come_after_every_statement(meeting, item, five):
    services.inscription_reply_add(inscription=five["A"], now=at(5))
    services.inscription_add(agenda_item=item, delegation=delegation(meeting, "F"), now=at(6))
    services.inscription_reply_add(inscription=five["D"], now=at(7))
    assert order(item) == ["A", "B", "C", "D", "E", "F", "A*", "D*"]
    set_levels_first(item)
    # Replies stay after the statements and keep their own time order.
    assert order(item) == ["D", "B", "E", "A", "C", "F", "A*", "D*"]


def test_a_delegation_is_inscribed_once_for_its_statement(item, five):
    with pytest.raises(ValidationError) as error:
        services.inscription_add(agenda_item=item, delegation=five["A"].delegation, now=at(9))
    assert error.value.messages == ["This delegation is already inscribed on this list."]


def test_a_delegation_of_another_meeting_is_refused(item):
    other = DelegationFactory()
    with pytest.raises(ValidationError) as error:
        services.inscription_add(agenda_item=item, delegation=other, now=T0)
    assert error.value.message_dict == {
        "delegation": ["This delegation is not in this item's meeting."]
    }


def test_level_derived_from_the_speaker(meeting):
    un = DelegationFactory(meeting=meeting, organization__kind=Organization.Kind.UN)
    regional = DelegationFactory(meeting=meeting)
    sg = ParticipantFactory(delegation=un, role=Participant.Role.HEAD)
    head = ParticipantFactory(delegation=regional, role=Participant.Role.HEAD)
    adviser = ParticipantFactory(delegation=regional, role=Participant.Role.ADVISER)
    assert services.level_of(un, sg) == Level.PRESIDING
    assert services.level_of(regional, head) == Level.HEAD
    assert services.level_of(regional, adviser) == Level.OTHER
    assert services.level_of(regional, None) == Level.OTHER


# ---------------------------------------------------------------- moves


def test_moves_override_time(meeting, item, five):
    assert services.inscription_move(inscription=five["C"], up=True) is True
    assert order(item) == ["A", "C", "B", "D", "E"]
    # A later inscription joins after the order the secretariat set ...
    late = services.inscription_add(
        agenda_item=item, delegation=delegation(meeting, "F"), level=Level.PRESIDING, now=at(9)
    )
    set_levels_first(item)
    assert order(item) == ["A", "C", "B", "D", "E", "F"]
    # ... and can itself be moved.
    services.inscription_move(inscription=late, up=True)
    assert order(item) == ["A", "C", "B", "D", "F", "E"]


def test_moves_override_levels(item, five):
    set_levels_first(item)
    services.inscription_move(inscription=five["A"], up=True)
    assert order(item) == ["D", "B", "A", "E", "C"]
    services.inscription_move(inscription=five["D"], up=False)
    assert order(item) == ["B", "D", "A", "E", "C"]


def test_no_move_past_either_end_nor_out_of_the_replies(item, five):
    assert services.inscription_move(inscription=five["A"], up=True) is False
    assert services.inscription_move(inscription=five["E"], up=False) is False
    reply = services.inscription_reply_add(inscription=five["B"], now=at(9))
    assert services.inscription_move(inscription=reply, up=True) is False
    assert order(item) == ["A", "B", "C", "D", "E", "B*"]


def test_only_waiting_inscriptions_move(item, five):
    services.inscription_call(inscription=five["A"], now=at(10))
    with pytest.raises(ValidationError):
        services.inscription_move(inscription=five["A"], up=False)


# ---------------------------------------------------------------- floor and withdrawals


def test_the_floor_passes_and_spoken_ones_head_the_list(item, five):
    services.inscription_call(inscription=five["A"], now=at(10))
    assert order(item) == ["A speaking", "B", "C", "D", "E"]
    # The chair may call out of turn: C after A; B still waits.
    services.inscription_call(inscription=five["C"], now=at(15))
    assert order(item) == ["A spoken", "C speaking", "B", "D", "E"]
    services.inscription_mark_spoken(inscription=five["C"], now=at(20))
    assert order(item) == ["A spoken", "C spoken", "B", "D", "E"]
    assert Inscription.objects.filter(status="speaking").count() == 0


def test_withdrawn_inscriptions_leave_the_order(meeting, item, five):
    services.inscription_move(inscription=five["D"], up=True)
    services.inscription_withdraw(inscription=five["D"])
    assert order(item) == ["A", "B", "C", "E"]
    # The delegation may inscribe again, at the end.
    services.inscription_add(agenda_item=item, delegation=five["D"].delegation, now=at(9))
    assert order(item) == ["A", "B", "C", "E", "D"]
    with pytest.raises(ValidationError):
        services.inscription_withdraw(inscription=five["D"])


# ---------------------------------------------------------------- public page and document


def test_public_page_shows_the_order_and_who_speaks(client, meeting, item, five):
    services.inscription_call(inscription=five["B"], now=at(10))
    SpeakersList.objects.filter(agenda_item=item).update(minutes_per_statement=5)
    for url in [
        reverse("agenda:speakers", args=[3]),
        reverse("agenda:meeting_speakers", args=[meeting.slug, 3]),
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert [i.delegation.organization.acronym for i in response.context["rows"]] == [
            "B",
            "A",
            "C",
            "D",
            "E",
        ]
        assert response.context["speaking"] == five["B"]
        body = response.content.decode()
        assert "Time limit: 5 minutes per statement." in body
        assert "Organization B (B)</bdi></strong>" in body


def test_public_page_of_an_item_without_a_list(client, meeting, item):
    response = client.get(reverse("agenda:speakers", args=[3]))
    assert response.status_code == 200
    assert "No delegation is inscribed yet." in response.content.decode()
    assert client.get(reverse("agenda:speakers", args=[99])).status_code == 404


def test_printable_list(desk_client, meeting, item, five):
    set_levels_first(item)
    services.inscription_reply_add(inscription=five["C"], now=at(9))
    response = desk_client.get(reverse("desk:speakers", args=[3]), {"format": "csv"})
    # Every cell is quoted (rendering.render_csv); the cells are what this test reads.
    rows = [",".join(row) for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))]
    assert rows == [
        "No.,Organization,Speaker,Level,Status",
        "1,Organization D (D),,Presiding officer,Inscribed",
        "2,Organization B (B),,Head of organization,Inscribed",
        "3,Organization E (E),,Head of organization,Inscribed",
        "4,Organization A (A),,Other level of representation,Inscribed",
        "5,Organization C (C),,Other level of representation,Inscribed",
        "6,Organization C (C),,Other level of representation (right of reply),Inscribed",
    ]
    html = desk_client.get(reverse("desk:speakers", args=[3])).content.decode()
    assert "Speakers&#x27; list" in html or "Speakers' list" in html
    pdf = desk_client.get(reverse("desk:speakers", args=[3]), {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


# ---------------------------------------------------------------- focal points


@pytest.fixture
def frozen_during(monkeypatch):
    """The clock during the meeting (inscriptions are open until it ends)."""
    monkeypatch.setattr(timezone, "now", lambda: T0)


@pytest.fixture
def frozen_after(monkeypatch):
    monkeypatch.setattr(
        timezone, "now", lambda: datetime.datetime(1996, 2, 17, 5, tzinfo=datetime.UTC)
    )


@pytest.fixture
def own(meeting, frozen_during):
    own = delegation(meeting, "OWN", status=Delegation.Status.REGISTERED)
    head = ParticipantFactory(delegation=own, role=Participant.Role.HEAD)
    token = delegation_services.link_issue(delegation=own)
    return own, head, token


def focal_url(token):
    return reverse("speakers:focal_point", args=[token])


def test_focal_point_inscribes_its_own_delegation(client, meeting, item, own, frozen_during):
    delegation_, head, token = own
    other = delegation(meeting, "OTHER")
    response = client.post(
        focal_url(token), {"item": 3, "speaker": head.pk, "delegation": other.pk}
    )
    assert response.status_code == 302
    inscription = Inscription.objects.get()
    assert (inscription.delegation, inscription.speaker, inscription.level) == (
        delegation_,
        head,
        Level.HEAD,
    )
    page = client.get(focal_url(token))
    assert page.status_code == 200
    # "no-referrer" made browsers post "Origin: null", which Django's CSRF check refuses.
    assert page["Referrer-Policy"] == "same-origin"
    assert page.context["places"] == {inscription.pk: 1}


def test_focal_point_cannot_name_another_delegations_speaker(client, meeting, item, own):
    _delegation, _head, token = own
    stranger = ParticipantFactory(delegation=delegation(meeting, "OTHER"))
    response = client.post(focal_url(token), {"item": 3, "speaker": stranger.pk})
    assert response.status_code == 200
    assert "speaker" in response.context["form"].errors
    assert Inscription.objects.count() == 0


def test_focal_point_twice_gets_a_message(client, item, own, frozen_during):
    _delegation, _head, token = own
    client.post(focal_url(token), {"item": 3})
    response = client.post(focal_url(token), {"item": 3})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This delegation is already inscribed on this list."
    ]


def test_closed_list_refuses_focal_points(client, item, own, frozen_during):
    _delegation, _head, token = own
    SpeakersList.objects.create(agenda_item=item, is_closed=True)
    response = client.post(focal_url(token), {"item": 3})
    assert response.context["form"].errors == {"item": ["The list on this item is closed."]}


def test_inscriptions_close_when_the_meeting_ends(client, item, own, frozen_after):
    _delegation, _head, token = own
    response = client.post(focal_url(token), {"item": 3})
    assert response.status_code == 403
    assert Inscription.objects.count() == 0
    assert "The meeting is over" in client.get(focal_url(token)).content.decode()


def test_revoked_and_unknown_links(client, item, own):
    delegation_, _head, token = own
    assert client.post(focal_url("not-a-token"), {"item": 3}).status_code == 404
    delegation_services.link_revoke(delegation=delegation_)
    assert client.post(focal_url(token), {"item": 3}).status_code == 410
    assert Inscription.objects.count() == 0


def test_a_declined_delegation_cannot_inscribe(client, item, own, frozen_during):
    delegation_, _head, token = own
    Delegation.objects.filter(pk=delegation_.pk).update(status=Delegation.Status.DECLINED)
    assert client.post(focal_url(token), {"item": 3}).status_code == 403


# ---------------------------------------------------------------- the secretariat's buttons


def action_url(item, action):
    speakers_list = SpeakersList.objects.get(agenda_item=item)
    return reverse("admin:agenda_speakerslist_inscription_action", args=[speakers_list.pk, action])


def test_secretariat_buttons(secretariat_client, item, five):
    page = secretariat_client.get(
        reverse("admin:agenda_speakerslist_change", args=[five["A"].speakers_list_id])
    )
    assert page.status_code == 200
    # Six buttons for each waiting inscription: floor, spoken, up, down, withdraw, reply.
    assert page.content.decode().count('formaction="') == 5 * 6
    for action, target in [("up", "C"), ("call", "B"), ("reply", "E"), ("withdraw", "D")]:
        response = secretariat_client.post(
            action_url(item, action), {"inscription": five[target].pk}
        )
        assert response.status_code == 302
    secretariat_client.post(action_url(item, "spoken"), {"inscription": five["B"].pk})
    assert order(item) == ["B spoken", "A", "C", "E", "E*"]


@pytest.mark.parametrize("who", ["anonymous", "desk"])
def test_desk_and_anonymous_cannot_change_a_list(client, desk_user, item, five, who):
    if who == "desk":
        client.force_login(desk_user)
    for action in ["up", "call", "spoken", "withdraw", "reply"]:
        response = client.post(action_url(item, action), {"inscription": five["C"].pk})
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    assert order(item) == ["A", "B", "C", "D", "E"]
    assert Inscription.objects.filter(is_reply=True).count() == 0


def test_an_inscription_of_another_list_is_not_found(secretariat_client, meeting, item, five):
    other_item = AgendaItemFactory(meeting=meeting, number=4)
    other = services.inscription_add(
        agenda_item=other_item, delegation=five["A"].delegation, now=T0
    )
    response = secretariat_client.post(action_url(item, "withdraw"), {"inscription": other.pk})
    assert response.status_code == 404
    assert secretariat_client.get(action_url(item, "withdraw")).status_code == 405


def test_secretariat_inscribes_in_the_inline(secretariat_client, meeting, item, five):
    speakers_list = five["A"].speakers_list
    late = delegation(meeting, "F")
    url = reverse("admin:agenda_speakerslist_change", args=[speakers_list.pk])
    data = {
        "agenda_item": item.pk,
        "minutes_per_statement": "4",
        "levels_first": "on",
        "inscriptions-TOTAL_FORMS": "6",
        "inscriptions-INITIAL_FORMS": "5",
        "inscriptions-MIN_NUM_FORMS": "0",
        "inscriptions-MAX_NUM_FORMS": "1000",
    }
    for index, inscription in enumerate(Inscription.objects.order_by("pk")):
        prefix = f"inscriptions-{index}-"
        data |= {
            f"{prefix}id": inscription.pk,
            f"{prefix}speakers_list": speakers_list.pk,
            f"{prefix}delegation": inscription.delegation_id,
            f"{prefix}level": inscription.level,
        }
    data |= {"inscriptions-5-delegation": late.pk, "inscriptions-5-level": "presiding"}
    response = secretariat_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert order(item) == ["D", "F", "B", "E", "A", "C"]
    assert Inscription.objects.get(delegation=late).inscribed_by.username == "secretary"
    # The same delegation twice: a message beside the field, not an error page.
    data |= {"inscriptions-TOTAL_FORMS": "7", "inscriptions-6-delegation": late.pk}
    data["inscriptions-INITIAL_FORMS"] = "5"
    response = secretariat_client.post(url, data)
    assert response.status_code == 200


def test_secretariat_corrects_a_level_in_the_inline(secretariat_client, item, five):
    speakers_list = five["A"].speakers_list
    data = {
        "agenda_item": item.pk,
        "levels_first": "on",
        "inscriptions-TOTAL_FORMS": "5",
        "inscriptions-INITIAL_FORMS": "5",
        "inscriptions-MIN_NUM_FORMS": "0",
        "inscriptions-MAX_NUM_FORMS": "1000",
    }
    for index, inscription in enumerate(Inscription.objects.order_by("pk")):
        prefix = f"inscriptions-{index}-"
        data |= {
            f"{prefix}id": inscription.pk,
            f"{prefix}speakers_list": speakers_list.pk,
            f"{prefix}delegation": inscription.delegation_id,
            f"{prefix}level": "presiding" if inscription == five["A"] else inscription.level,
        }
    url = reverse("admin:agenda_speakerslist_change", args=[speakers_list.pk])
    assert secretariat_client.post(url, data).status_code == 302
    five["A"].refresh_from_db()
    assert five["A"].level == Level.PRESIDING
    # Presiding officers first (A before D: inscribed earlier), then heads, then the rest.
    assert order(item) == ["A", "D", "B", "E", "C"]


# ---------------------------------------------------------------- query counts


@pytest.fixture(params=[3, 40])
def sized_list(request, meeting, item, frozen_during):
    """A list of ``param`` delegations with named speakers, one speaking, one reply, one
    withdrawn, and a focal point's link for the last one."""
    inscriptions = []
    for number in range(request.param):
        delegation_ = delegation(meeting, f"S{number}")
        head = ParticipantFactory(delegation=delegation_, role=Participant.Role.HEAD)
        inscriptions.append(
            services.inscription_add(
                agenda_item=item, delegation=delegation_, speaker=head, now=at(number)
            )
        )
    services.inscription_call(inscription=inscriptions[0], now=at(100))
    services.inscription_reply_add(inscription=inscriptions[0], now=at(101))
    services.inscription_withdraw(inscription=inscriptions[1])
    token = delegation_services.link_issue(delegation=inscriptions[-1].delegation)
    return {"size": request.param, "token": token}


@pytest.mark.parametrize(
    ("page", "queries"),
    [
        # The data version for the page cache, the meeting, the item, the list, inscriptions.
        ("public", 5),
        # Session, user, permissions, the meeting, the item, the list, inscriptions.
        ("document", 7),
        # The delegation, items, participants, own inscriptions, one list they are on.
        ("focal_point", 5),
    ],
)
def test_query_counts_do_not_grow_with_the_list(
    client, desk_user, django_assert_num_queries, meeting, sized_list, page, queries
):
    url = {
        "public": reverse("agenda:meeting_speakers", args=[meeting.slug, 3]),
        "document": reverse("desk:speakers", args=[3]),
        "focal_point": focal_url(sized_list["token"]),
    }[page]
    if page == "document":
        client.force_login(desk_user)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    if page == "public":
        assert len(response.context["rows"]) == sized_list["size"]  # one withdrawn, one reply


# ---------------------------------------------------------------- a focal point withdraws


def withdraw_url(token, inscription):
    return reverse("speakers:focal_point_withdraw", args=[token, inscription.pk])


def test_focal_point_withdraws_its_own_waiting_inscription(client, meeting, item, own):
    delegation_, head, token = own
    inscription = services.inscription_add(agenda_item=item, delegation=delegation_, speaker=head)
    page = client.get(focal_url(token)).content.decode()
    assert f'action="{withdraw_url(token, inscription)}"' in page
    response = client.post(withdraw_url(token, inscription), follow=True)
    assert response.redirect_chain == [(focal_url(token), 302)]
    inscription.refresh_from_db()
    assert (inscription.status, inscription.position) == (Inscription.Status.WITHDRAWN, None)
    assert [str(m) for m in response.context["messages"]] == [
        "Withdrawn: your delegation's inscription on 3. Peace-keeping."
    ]
    assert response.context["own"] == []
    assert "Your delegation is not inscribed on any list yet." in response.content.decode()


def test_focal_point_cannot_withdraw_another_delegations_inscription(
    client, meeting, item, own, five
):
    _delegation, _head, token = own
    stranger = five["A"]
    # A crafted POST: the number of another delegation's inscription under this link.
    assert client.post(withdraw_url(token, stranger)).status_code == 404
    stranger.refresh_from_db()
    assert stranger.status == Inscription.Status.INSCRIBED


def test_the_service_refuses_another_delegations_inscription(meeting, item, own, five):
    delegation_, _head, _token = own
    with pytest.raises(ValidationError) as error:
        services.inscription_withdraw_by_focal_point(inscription=five["A"], delegation=delegation_)
    assert error.value.code == "not_own_inscription"
    assert Inscription.objects.get(pk=five["A"].pk).status == Inscription.Status.INSCRIBED


def test_an_inscription_that_has_the_floor_is_not_withdrawn(client, meeting, item, own):
    delegation_, _head, token = own
    inscription = services.inscription_add(agenda_item=item, delegation=delegation_)
    services.inscription_call(inscription=inscription)
    page = client.get(focal_url(token)).content.decode()
    assert withdraw_url(token, inscription) not in page
    response = client.post(withdraw_url(token, inscription), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Only a waiting inscription can be withdrawn."
    ]
    inscription.refresh_from_db()
    assert inscription.status == Inscription.Status.SPEAKING


def test_withdrawing_after_the_meeting_is_refused(client, meeting, item, own, monkeypatch):
    delegation_, _head, token = own
    inscription = services.inscription_add(agenda_item=item, delegation=delegation_)
    monkeypatch.setattr(
        timezone, "now", lambda: datetime.datetime(1996, 2, 17, 5, tzinfo=datetime.UTC)
    )
    assert withdraw_url(token, inscription) not in client.get(focal_url(token)).content.decode()
    response = client.post(withdraw_url(token, inscription))
    assert response.status_code == 403
    inscription.refresh_from_db()
    assert inscription.status == Inscription.Status.INSCRIBED


def test_withdrawing_answers_post_only_and_checks_the_link(client, meeting, item, own):
    delegation_, _head, token = own
    inscription = services.inscription_add(agenda_item=item, delegation=delegation_)
    assert client.get(withdraw_url(token, inscription)).status_code == 405
    assert client.post(withdraw_url("not-a-token", inscription)).status_code == 404
    delegation_services.link_revoke(delegation=delegation_)
    assert client.post(withdraw_url(token, inscription)).status_code == 410
    inscription.refresh_from_db()
    assert inscription.status == Inscription.Status.INSCRIBED
