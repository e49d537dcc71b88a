"""The seating plan in protocol order (staff only).

The presiding officers sit at the head of the table: the Secretary-General (the meeting's
convener), then the President of the General Assembly, then the President of the Security
Council (organizations marked with a ``presiding_order``). Every other delegation follows in
English alphabetical order, starting from the name the secretariat drew by lot
(``SeatingDraw``, drawn by ``services.seating_draw``) and wrapping round. The plan is drawn
as SVG by ``seating_svg``, in the page and in the PDF.
"""

import re
from dataclasses import dataclass, replace

from delegations.models import Delegation, Official

from .models import SeatingDraw

# The longest name the drawing prints whole at a place: what fits inside the U along a
# radius without reaching the middle of the table.
LABEL_LENGTH = 12
# Words an abbreviation leaves out ("Organization of African Unity": OAU).
MINOR_WORDS = {"and", "for", "in", "of", "on", "the", "de", "des", "du", "et", "la", "le"}


def abbreviation(name):
    """``name`` when it is short, else the initials of its main words, as acronyms are
    made ("Commonwealth Secretariat": CS)."""
    if len(name) <= LABEL_LENGTH:
        return name
    words = [word for word in re.split(r"[\s\-–—/]+", name) if word]
    initials = "".join(word[0].upper() for word in words if word.lower() not in MINOR_WORDS)
    return initials[:LABEL_LENGTH] or name[: LABEL_LENGTH - 1] + "…"


@dataclass(frozen=True)
class Seat:
    """One place at the table: a delegation (or the convener), its head, its seats behind."""

    number: int
    name: str
    acronym: str
    head: str
    seats_behind: int
    presiding: bool

    @property
    def label(self):
        """The short name the drawing prints at the place: the acronym, else a short name
        or its initials (the table under the drawing gives the full name)."""
        return self.acronym or abbreviation(self.name)

    @property
    def abbreviated(self):
        """The drawing prints initials the organization does not use itself."""
        return self.label not in (self.acronym, self.name)


@dataclass(frozen=True)
class SeatingPlan:
    meeting: object
    draw: SeatingDraw | None
    head_table: list
    floor: list
    # The draw's name no longer takes part (it withdrew): the order starts at the first name.
    draw_stale: bool = False

    @property
    def seats(self):
        return self.head_table + self.floor

    @property
    def table_shape(self):
        return self.draw.table_shape if self.draw else SeatingDraw.TableShape.HORSESHOE


def _alphabetical(delegation):
    organization = delegation.organization
    return (organization.sort_name, organization.name, delegation.pk)


def rotate(ordered, start_organization_id):
    """``ordered`` from the delegation of ``start_organization_id`` on, wrapping round;
    unchanged (and False) when that organization is not among them."""
    for index, delegation in enumerate(ordered):
        if delegation.organization_id == start_organization_id:
            return ordered[index:] + ordered[:index], True
    return ordered, False


def seating_plan(meeting):
    """Who sits where, in a constant number of queries."""
    draw = SeatingDraw.objects.latest_for(meeting)
    convener = (
        Official.objects.select_related("organization").filter(pk=meeting.convener_id).first()
        if meeting.convener_id
        else None
    )
    convener_org = convener.organization_id if convener else None
    delegations = list(Delegation.objects.with_heads().filter(meeting=meeting).active())
    seats_each = meeting.seats_per_delegation

    def presiding_key(delegation):
        # The convener's own office first whatever its mark, then the presiding order.
        return (
            delegation.organization_id != convener_org,
            delegation.organization.presiding_order or 0,
            _alphabetical(delegation),
        )

    presiding = sorted(
        (
            d
            for d in delegations
            if d.organization.presiding_order is not None or d.organization_id == convener_org
        ),
        key=presiding_key,
    )
    presiding_ids = {d.pk for d in presiding}
    others = sorted((d for d in delegations if d.pk not in presiding_ids), key=_alphabetical)
    stale = False
    if draw is not None:
        others, found = rotate(others, draw.starting_organization_id)
        stale = not found

    def seat(number, delegation):
        head = delegation.heads[0].official.full_name if delegation.heads else ""
        organization = delegation.organization
        return Seat(
            number=number,
            name=organization.name,
            acronym=organization.acronym,
            head=head,
            seats_behind=(delegation.seats_allowed or seats_each) - 1,
            presiding=delegation.pk in presiding_ids,
        )

    head_table = []
    if convener is not None and not any(d.organization_id == convener_org for d in presiding):
        # The convener presides even when the Secretariat registered no delegation.
        head_table.append(
            Seat(
                number=0,
                name=convener.position or convener.organization.name,
                acronym=convener.organization.acronym,
                head=convener.full_name,
                seats_behind=seats_each - 1,
                presiding=True,
            )
        )
    head_table += [seat(0, d) for d in presiding]
    head_table = [replace(place, number=n) for n, place in enumerate(head_table, start=1)]
    floor = [seat(number, d) for number, d in enumerate(others, start=len(head_table) + 1)]
    return SeatingPlan(
        meeting=meeting, draw=draw, head_table=head_table, floor=floor, draw_stale=stale
    )
