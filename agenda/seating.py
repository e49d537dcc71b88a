"""The seating plan in protocol order and the name plates (staff only).

The presiding officers sit at the head of the table: the Secretary-General (the meeting's
convener), then the President of the General Assembly, then the President of the Security
Council (organizations marked with a ``presiding_order``). Every other delegation follows in
English alphabetical order, starting from the name the secretariat drew by lot
(``SeatingDraw``, drawn by ``services.seating_draw``) and wrapping round. The plan is drawn
as SVG by ``seating_svg``, in the page and in the PDF.
"""

from dataclasses import dataclass, replace

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from delegations.models import Delegation, Official

from . import documents
from .desk import _respond, current_meeting_or_404, desk_required, document_csp
from .models import SeatingDraw
from .seating_svg import seating_svg


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
        """The short name the drawing prints at the place."""
        return self.acronym or self.name


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


# --- Documents -------------------------------------------------------------------------------


def _draw_line(plan):
    if plan.draw is None:
        return _(
            "No lot drawn yet: alphabetical order from the first name. The secretariat draws "
            "the lot in the admin (Meetings, action “Draw the seating by lot”)."
        )
    draw = plan.draw
    line = _("Lot drawn on %(date)s: %(name)s (seed %(seed)s).") % {
        "date": date_format(draw.drawn_at.astimezone(plan.meeting.tz), "j F Y, H:i"),
        "name": draw.starting_organization.name,
        "seed": draw.seed,
    }
    if plan.draw_stale:
        line += " " + _(
            "That delegation no longer takes part: the order starts from the first name. "
            "Draw again."
        )
    return line


def seating_document(meeting):
    plan = seating_plan(meeting)
    rows = [
        {
            "number": seat.number,
            "name": seat.name,
            "acronym": seat.acronym,
            "head": seat.head,
            "presiding": seat.presiding,
            "seats": seat.seats_behind + 1,
        }
        for seat in plan.seats
    ]
    return documents.Document(
        kind="seating",
        title=_("Seating plan"),
        meeting=meeting,
        subtitle=_draw_line(plan),
        filename="seating-plan",
        template="documents/seating.html",
        csv_header=[_("Place"), _("Organization"), _("Acronym"), _("Head of delegation")],
        csv_rows=[[r["number"], r["name"], r["acronym"], r["head"]] for r in rows],
        context={
            "rows": rows,
            "svg": seating_svg(plan),
            "table_shape": plan.table_shape,
            "draw": plan.draw,
            "first_floor": len(plan.head_table) + 1,
        },
    )


def name_plates_document(meeting):
    """One tent card per place at the table, in seating order."""
    plan = seating_plan(meeting)
    plates = [
        {
            "name": seat.name,
            "acronym": seat.acronym if seat.acronym != seat.name else "",
            # Long names get a smaller type, so that they fit the face in three lines.
            "size": "short"
            if len(seat.name) <= 14
            else "medium"
            if len(seat.name) <= 28
            else "long",
        }
        for seat in plan.seats
    ]
    return documents.Document(
        kind="name_plates",
        title=_("Name plates"),
        meeting=meeting,
        subtitle=_("Tent cards: fold each sheet in half along the dashed line."),
        filename="name-plates",
        template="documents/name_plates.html",
        csv_header=[_("Organization"), _("Acronym")],
        csv_rows=[[plate["name"], plate["acronym"]] for plate in plates],
        context={"plates": plates},
    )


@desk_required
@require_GET
@document_csp
def seating(request):
    return _respond(request, seating_document(current_meeting_or_404()))


@desk_required
@require_GET
@document_csp
def name_plates(request):
    return _respond(request, name_plates_document(current_meeting_or_404()))
