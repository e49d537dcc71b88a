import pytest

from delegations.forms import (
    DelegationDetailsForm,
    ParticipantEntryForm,
    participant_initial,
    registration_formset_class,
)
from delegations.models import Official
from tests.factories import DelegationFactory, OfficialFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def formset(rows, *, seats=3, officials=()):
    data = {
        "participants-TOTAL_FORMS": str(len(rows)),
        "participants-INITIAL_FORMS": "0",
    }
    for index, row in enumerate(rows):
        for key, value in {"role": "adviser", **row}.items():
            data[f"participants-{index}-{key}"] = value
    cls = registration_formset_class(extra=0)
    return cls(data, seats=seats, officials=list(officials), prefix="participants")


def test_entry_form_offers_the_given_officials_only():
    officials = [OfficialFactory(honorific="Dr", given_name="Ana", family_name="Ruiz")]
    form = ParticipantEntryForm(officials=officials)
    assert form.fields["official"].choices == [
        ("", "— a new person —"),
        (officials[0].pk, "Dr Ana Ruiz — Secretary-General"),
    ]


def test_entry_form_turns_the_choice_into_the_official():
    ruiz = OfficialFactory(family_name="Ruiz")
    form = ParticipantEntryForm(data={"official": str(ruiz.pk), "role": "head"}, officials=[ruiz])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["official"] == ruiz
    entry = form.entry()
    assert (entry.official, entry.role, entry.family_name) == (ruiz, "head", "")


def test_empty_extra_rows_are_ignored():
    rows = [{"family_name": "Ruiz", "role": "head"}, {}, {}]
    subject = formset(rows)
    assert subject.is_valid(), subject.errors
    assert [entry.family_name for entry in subject.entries()] == ["Ruiz"]


def test_removed_rows_do_not_count_against_the_seats():
    rows = [
        {"family_name": "A", "role": "head"},
        {"family_name": "B"},
        {"family_name": "C", "DELETE": "on"},
    ]
    subject = formset(rows, seats=2)
    assert subject.is_valid(), subject.errors
    assert [entry.family_name for entry in subject.entries()] == ["A", "B"]


def test_a_typed_name_matching_a_chosen_official_is_the_same_person():
    hoynck = OfficialFactory(given_name="Wilhelm", family_name="Höynck")
    rows = [
        {"official": str(hoynck.pk), "role": "head"},
        {"given_name": "wilhelm", "family_name": "HOYNCK"},
    ]
    subject = formset(rows, officials=[hoynck])
    assert subject.is_valid() is False
    assert subject.forms[1].errors == {
        "family_name": ["wilhelm HOYNCK is already listed as participant 1."]
    }


def test_no_participant_at_all():
    subject = formset([{}])
    assert subject.is_valid() is False
    assert subject.non_form_errors() == ["List at least one participant: the head of delegation."]


def test_details_form_requires_the_focal_point_and_limits_lengths():
    delegation = DelegationFactory()
    form = DelegationDetailsForm(
        data={
            "focal_point_name": "",
            "focal_point_email": "nobody",
            "representing": "x" * 501,
            "version": "1",
        },
        instance=delegation,
    )
    assert form.errors == {
        "focal_point_name": ["This field is required."],
        "focal_point_email": ["Enter a valid email address."],
        "representing": ["Ensure this value has at most 500 characters (it has 501)."],
    }


def test_participant_initial_comes_from_the_register():
    participant = ParticipantFactory(
        official__honorific="Chief",
        official__given_name="Emeka",
        official__family_name="Anyaoku",
        official__position="Secretary-General",
        official__email="anyaoku@example.org",
        role="head",
        special_requirements="None",
    )
    assert participant_initial(participant) == {
        "official": participant.official_id,
        "honorific": "Chief",
        "given_name": "Emeka",
        "family_name": "Anyaoku",
        "position": "Secretary-General",
        "email": "anyaoku@example.org",
        "role": "head",
        "representing": "",
        "special_requirements": "None",
    }
    assert Official.objects.count() == 1


def test_typing_another_family_name_over_a_chosen_official_is_refused():
    salim = OfficialFactory(given_name="Salim Ahmed", family_name="Salim")
    form = ParticipantEntryForm(
        data={"official": str(salim.pk), "family_name": "Someone Else", "role": "head"},
        officials=[salim],
    )
    assert form.errors == {
        "family_name": [
            "Salim Ahmed Salim is chosen above, but this family name is different. Leave the "
            "name empty to keep the register's, or choose “a new person”."
        ]
    }
    # The same name with other accents or case is a correction, and allowed.
    form = ParticipantEntryForm(
        data={"official": str(salim.pk), "family_name": "SALÍM", "role": "head"},
        officials=[salim],
    )
    assert form.is_valid(), form.errors
