import datetime

import pytest
from django.utils import timezone

from delegations import services
from tests.factories import DelegationFactory, MeetingFactory, OfficialFactory


@pytest.fixture(autouse=True)
def _e_mails_queued_on_commit_go_out(commit_hooks_at_once):
    """E-mails are queued on commit (delegations/tasks.py): here they go out at once."""


@pytest.fixture
def open_meeting(db):
    """A meeting a month away whose registration closes in a week (a meeting that is over
    takes no registration, whatever its deadline)."""
    today = timezone.localdate()
    return MeetingFactory(
        start_date=today + datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=31),
        registration_deadline=timezone.now() + datetime.timedelta(days=7),
        seats_per_delegation=3,
    )


@pytest.fixture
def invited(open_meeting):
    """An invited delegation with two known officials, and its private link's token."""
    delegation = DelegationFactory(
        meeting=open_meeting,
        organization__name="Organization of African Unity",
        organization__acronym="OAU",
        focal_point_email="focal@oau.example",
    )
    OfficialFactory(
        organization=delegation.organization,
        honorific="H.E. Mr.",
        given_name="Salim Ahmed",
        family_name="Salim",
        position="Secretary-General",
        email="salim@oau.example",
    )
    OfficialFactory(
        organization=delegation.organization,
        honorific="Mr.",
        given_name="Ahmed",
        family_name="Haggag",
        position="Assistant Secretary-General",
        email="haggag@oau.example",
    )
    token = services.link_issue(delegation=delegation)
    return delegation, token
