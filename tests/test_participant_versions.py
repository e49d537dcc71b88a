"""Issued lists of participants: frozen snapshots, printed again unchanged, and their changes."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agenda import documents, rendering
from agenda.models import ParticipantListVersion
from agenda.seed import seed_meeting
from agenda.services import participants_version_issue
from delegations.models import Delegation, Participant
from tests.factories import OfficialFactory

pytestmark = pytest.mark.django_db

BASE = "UN-RO/1996/INF/1"
NONCE = re.compile(rb' nonce="[^"]*"')


@pytest.fixture
def meeting():
    meeting, _ = seed_meeting()
    return meeting


def issue(client, kind, symbol=""):
    return client.post(
        reverse("desk:participant_version_issue"), {"kind": kind, "symbol": symbol}, follow=True
    )


def printed(client, version, fmt):
    response = client.get(reverse("desk:participant_version", args=[version.pk]), {"format": fmt})
    assert response.status_code == 200
    return NONCE.sub(b"", response.content)  # the CSP nonce is new on every request


def change_the_register(meeting):
    """An official's title changes and a participant is added to the first delegation."""
    delegation = Delegation.objects.for_list().filter(meeting=meeting).first()
    head = delegation.participants.all()[0]
    head.official.position = "Acting Secretary-General"
    head.official.save()
    newcomer = OfficialFactory(
        organization=delegation.organization,
        honorific="Ms.",
        given_name="Ada",
        family_name="Newcomer",
        position="Political Affairs Officer",
        country="",
    )
    Participant.objects.create(
        delegation=delegation,
        official=newcomer,
        role=Participant.Role.ADVISER,
        status=Participant.Status.NOMINATED,
        badge_number="NEW-1",
    )
    return delegation, head, newcomer


def test_an_issued_version_prints_the_same_bytes_after_the_register_changes(
    secretariat_client, meeting
):
    response = issue(secretariat_client, "provisional", BASE)
    assert [str(m) for m in response.context["messages"]] == [f"{BASE} is issued."]
    version = ParticipantListVersion.objects.get()
    assert (version.kind, version.revision, version.symbol) == ("provisional", 0, BASE)
    before = {fmt: printed(secretariat_client, version, fmt) for fmt in ("csv", "html")}
    live_before = rendering.render_csv(documents.ParticipantsList(meeting))
    assert before["csv"] == live_before  # the provisional list is the list as it stood

    delegation, head, newcomer = change_the_register(meeting)

    assert rendering.render_csv(documents.ParticipantsList(meeting)) != live_before
    version = ParticipantListVersion.objects.get()
    after = {fmt: printed(secretariat_client, version, fmt) for fmt in ("csv", "html")}
    assert after == before
    assert b"Acting Secretary-General" not in after["html"]
    assert "Newcomer" not in after["csv"].decode("utf-8-sig")
    html = after["html"].decode()
    assert f"{BASE}, issued" in html
    assert "List of participants (Provisional)" in html


def test_the_pdf_of_a_version_is_rendered_from_its_snapshot(secretariat_client, meeting):
    issue(secretariat_client, "provisional", BASE)
    version = ParticipantListVersion.objects.get()
    change_the_register(meeting)
    response = secretariat_client.get(
        reverse("desk:participant_version", args=[version.pk]), {"format": "pdf"}
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == (
        f'inline; filename="{meeting.slug}-list-of-participants-un-ro1996inf1.pdf"'
    )


def test_the_changes_between_two_versions_are_exactly_the_register_changes(
    secretariat_client, meeting
):
    issue(secretariat_client, "provisional", BASE)
    delegation, head, newcomer = change_the_register(meeting)
    response = issue(secretariat_client, "revision")
    assert [str(m) for m in response.context["messages"]] == [f"{BASE}/Rev.1 is issued."]
    provisional, rev1 = ParticipantListVersion.objects.order_by("revision")
    assert (rev1.kind, rev1.revision, rev1.label) == ("revision", 1, "Rev.1")

    changes = documents.snapshot_changes(provisional.snapshot, rev1.snapshot)
    organization = str(delegation.organization)
    assert changes == {
        "added": [{"organization": organization, "name": newcomer.full_name}],
        "removed": [],
        "changed": [
            {
                "organization": organization,
                "name": head.official.full_name,
                "fields": [
                    {
                        "field": "Position",
                        "old": head.official.position.replace("Acting ", "", 1),
                        "new": "Acting Secretary-General",
                    }
                ],
            }
        ],
    }
    page = secretariat_client.get(reverse("desk:participant_version_changes", args=[rev1.pk]))
    assert page.status_code == 200
    assert page.context["changes"] == changes
    body = page.content.decode()
    assert f"Changes from {BASE} to {BASE}/Rev.1" in body
    assert "Acting Secretary-General" in body


def test_a_removed_participant_and_a_removed_delegation_show_as_removed(meeting):
    first = participants_version_issue(
        meeting=meeting, kind="provisional", user=None, base_symbol=BASE
    )
    delegation = Delegation.objects.for_list().filter(meeting=meeting).last()
    delegation.status = Delegation.Status.WITHDRAWN
    delegation.save()
    second = participants_version_issue(meeting=meeting, kind="final", user=None)
    assert (second.symbol, second.label) == (f"{BASE}/Rev.1", "Final")
    changes = documents.snapshot_changes(first.snapshot, second.snapshot)
    organization = str(delegation.organization)
    names = [p.official.full_name for p in delegation.participants.all()]
    assert changes["added"] == [] and changes["changed"] == []
    assert changes["removed"] == [{"organization": organization, "name": ""}] + [
        {"organization": organization, "name": name} for name in names
    ]


def test_versions_follow_provisional_revisions_final(meeting):
    def refused(kind, **extra):
        with pytest.raises(ValidationError) as error:
            participants_version_issue(meeting=meeting, kind=kind, user=None, **extra)
        return error.value.messages

    assert refused("revision") == ["Issue the provisional list first."]
    assert refused("provisional") == [
        "Give the document symbol of the list, for example UN-RO/1996/INF/1."
    ]
    assert refused("nonsense") == ["Choose provisional, revision or final."]
    participants_version_issue(meeting=meeting, kind="provisional", user=None, base_symbol=BASE)
    assert refused("provisional", base_symbol=BASE) == [
        "The provisional list is already issued; issue a revision."
    ]
    participants_version_issue(meeting=meeting, kind="revision", user=None)
    participants_version_issue(meeting=meeting, kind="revision", user=None)
    final = participants_version_issue(meeting=meeting, kind="final", user=None)
    assert refused("revision") == ["The final list of participants is already issued."]
    assert list(ParticipantListVersion.objects.values_list("symbol", "kind")) == [
        (BASE, "provisional"),
        (f"{BASE}/Rev.1", "revision"),
        (f"{BASE}/Rev.2", "revision"),
        (f"{BASE}/Rev.3", "final"),
    ]
    assert final.issued_at.date() <= datetime.date.today() + datetime.timedelta(days=1)


def test_an_issued_version_cannot_be_changed_or_deleted(meeting, secretariat_client):
    version = participants_version_issue(
        meeting=meeting, kind="provisional", user=None, base_symbol=BASE
    )
    version.symbol = "forged"
    with pytest.raises(ValidationError):
        version.save()
    with pytest.raises(ValidationError):
        version.delete()
    change_url = reverse("admin:agenda_participantlistversion_change", args=[version.pk])
    assert secretariat_client.get(change_url).status_code == 200  # read only
    secretariat_client.post(change_url, {"symbol": "forged"})
    delete_url = reverse("admin:agenda_participantlistversion_delete", args=[version.pk])
    assert secretariat_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert ParticipantListVersion.objects.get().symbol == BASE


def test_the_desk_reads_versions_but_cannot_issue_them(desk_client, meeting):
    participants_version_issue(meeting=meeting, kind="provisional", user=None, base_symbol=BASE)
    page = desk_client.get(reverse("desk:participant_versions"))
    assert page.status_code == 200
    assert page.context["can_issue"] is False
    assert "Issue a revision" not in page.content.decode()
    assert issue(desk_client, "revision").status_code == 403
    assert ParticipantListVersion.objects.count() == 1


def test_the_secretariat_sees_the_issue_buttons(secretariat_client, meeting):
    page = secretariat_client.get(reverse("desk:participant_versions"))
    assert page.context["can_issue"] is True
    assert "Issue the provisional list" in page.content.decode()
    response = issue(secretariat_client, "revision")
    assert [str(m) for m in response.context["messages"]] == ["Issue the provisional list first."]


@pytest.mark.parametrize("size", [3, 30])
def test_printing_a_version_reads_a_constant_number_of_queries(
    secretariat_client, meeting, size, django_assert_num_queries
):
    delegation = Delegation.objects.filter(meeting=meeting).first()
    for number in range(size):
        Participant.objects.create(
            delegation=delegation,
            official=OfficialFactory(organization=delegation.organization),
            role=Participant.Role.ADVISER,
            badge_number=f"Q-{number}",
        )
    version = participants_version_issue(
        meeting=meeting, kind="provisional", user=None, base_symbol=BASE
    )
    url = reverse("desk:participant_version", args=[version.pk])
    with django_assert_num_queries(5):
        secretariat_client.get(url, {"format": "csv"})
