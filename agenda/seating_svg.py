"""The seating plan drawn as SVG: a U-shaped table open towards the head table.

Used in the desk's page and in the PDF alike; ElementTree escapes every name.
"""

import math
import xml.etree.ElementTree as ET

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .bidi import isolate
from .models import SeatingDraw

SPACING = 58  # between two places along the table
TABLE_WIDTH = 22
CHAIR = 5
MAX_CHAIRS = 4  # chairs drawn behind a place; what fits between two places
GAP = 380  # inside width between the two arms: room for the names printed inside
LABEL_ROOM = 170  # along a rectangle's sides, clear of the names printed up from its foot
MARGIN = 70


def _rectangle(count, left, right):
    """A rectangular U: up to six places across the foot, the rest shared by the two sides,
    which run on far enough that the names along the foot stay clear of the sides' names."""
    foot = min(count, 6 if count >= 10 else max(1, count // 3))
    sides = count - foot
    down, up = -(-sides // 2), sides // 2
    arm = max(down, up, 1) * SPACING + LABEL_ROOM
    places = [((left, (i + 0.5) * SPACING), (-1.0, 0.0)) for i in range(down)]
    places += [((left + (j + 0.5) * GAP / foot, arm), (0.0, 1.0)) for j in range(foot)]
    places += [((right, (up - i - 0.5) * SPACING), (1.0, 0.0)) for i in range(up)]
    return places, f"M{left},0 V{arm} H{right} V0", arm


def _horseshoe(count, left, right):
    """A horseshoe: the places evenly spaced down one arm, round the bend and up the other."""
    radius = GAP / 2
    bend = math.pi * radius
    arm = max(SPACING, (count * SPACING - bend) / 2)

    def at(distance):
        if distance <= arm:
            return (left, distance), (-1.0, 0.0)
        distance -= arm
        if distance <= bend:
            angle = math.pi - distance / radius  # from the left (pi) round to the right (0)
            return (
                (left + radius + radius * math.cos(angle), arm + radius * math.sin(angle)),
                (math.cos(angle), math.sin(angle)),
            )
        return (right, arm - (distance - bend)), (1.0, 0.0)

    total = 2 * arm + bend
    places = [at((index + 0.5) * total / count) for index in range(count)]
    path = f"M{left},0 V{arm} A{radius},{radius} 0 0 0 {right},{arm} V0"
    return places, path, arm + radius


def _u_path(shape, count):
    """Points, outward normals and the SVG path of a U-shaped table open towards the head,
    and how far down it reaches.

    The places run from the top of the left arm (the presiding officers' right), down,
    round the foot and up the right arm.
    """
    left, right = MARGIN + 60, MARGIN + 60 + GAP
    if shape == SeatingDraw.TableShape.RECTANGLE:
        return _rectangle(count, left, right)
    return _horseshoe(count, left, right)


def _element(parent, tag, text=None, **attributes):
    element = ET.SubElement(
        parent, tag, {key.rstrip("_").replace("_", "-"): str(v) for key, v in attributes.items()}
    )
    if text is not None:
        element.text = text
    return element


def _chairs(group, x, y, normal, count):
    """The delegation's seats behind its place: a row of chairs further from the table; past
    MAX_CHAIRS, the row ends with how many more there are."""
    nx, ny = normal
    tx, ty = -ny, nx
    shown = min(count, MAX_CHAIRS)
    for index in range(shown):
        offset = (index - (shown - 1) / 2) * (CHAIR * 2 + 2)
        _element(
            group,
            "circle",
            cx=f"{x + nx * 34 + tx * offset:.1f}",
            cy=f"{y + ny * 34 + ty * offset:.1f}",
            r=CHAIR,
            fill="#fff",
            stroke="#777",
            class_="behind",
        )
    if count > shown:
        _element(
            group,
            "text",
            f"+{count - shown}",
            x=f"{x + nx * 52:.1f}",
            y=f"{y + ny * 52:.1f}",
            dy="0.35em",
            text_anchor="middle",
            font_size=9,
            class_="more-chairs",
        )


def _place(group, x, y, seat):
    circle_fill = "#1f4e79" if seat.presiding else "#fff"
    text_fill = "#fff" if seat.presiding else "#000"
    _element(group, "circle", cx=f"{x:.1f}", cy=f"{y:.1f}", r=12, fill=circle_fill, stroke="#000")
    _element(
        group,
        "text",
        str(seat.number),
        x=f"{x:.1f}",
        y=f"{y + 4:.1f}",
        text_anchor="middle",
        font_size=11,
        font_weight="bold",
        fill=text_fill,
    )


def seating_svg(plan):
    """The plan as an SVG element (a string), safe to put in a page as it is."""
    floor = plan.floor
    places, path, depth = _u_path(plan.table_shape, max(len(floor), 1))
    head_y = 64
    table_top = head_y + 70
    width = 2 * (MARGIN + 60) + GAP
    # Below the foot: the chairs behind it and their "+n" (17 + 34 + 5, and 17 + 52 + 9).
    height = table_top + depth + 82
    title = _("Seating plan: %(meeting)s") % {"meeting": isolate(plan.meeting.short_title)}
    root = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {width} {height:.0f}",
            "role": "img",
            "aria-labelledby": "seating-title",
            "class": f"seating-plan seating-{plan.table_shape}",
            "font-family": "Noto Sans, Noto Sans Arabic, Noto Sans CJK SC, DejaVu Sans, "
            "sans-serif",
            # The places are laid out for text anchored left to right, whatever the page's
            # language; a label written right to left is isolated (FSI … PDI) inside.
            "direction": "ltr",
        },
    )
    _element(root, "title", title, id="seating-title")

    # The head table, across the open end of the U, with the presiding officers behind it.
    head = _element(root, "g", class_="head-table")
    head_count = max(len(plan.head_table), 1)
    head_width = max(head_count * 130, 200)
    head_left = (width - head_width) / 2
    _element(
        head,
        "rect",
        x=f"{head_left:.1f}",
        y=head_y,
        width=head_width,
        height=TABLE_WIDTH,
        fill="#d9c7a3",
        stroke="#7a6237",
    )
    for index, seat in enumerate(plan.head_table):
        x = head_left + (index + 0.5) * head_width / head_count
        y = head_y - 14
        group = _element(head, "g", class_="place presiding", data_number=seat.number)
        _chairs(group, x, y + 14, (0.0, -1.0), seat.seats_behind)
        _place(group, x, y, seat)
        _element(
            group,
            "text",
            isolate(seat.label, base="ltr"),
            x=f"{x:.1f}",
            y=f"{head_y + TABLE_WIDTH + 16}",
            text_anchor="middle",
            font_size=12,
            font_weight="bold",
        )

    # The delegations' table: a U open towards the head.
    table = _element(root, "g", class_="table", transform=f"translate(0,{table_top})")
    _element(
        table,
        "path",
        d=path,
        fill="none",
        stroke="#d9c7a3",
        stroke_width=TABLE_WIDTH,
        stroke_linejoin="round",
    )
    for seat, ((x, y), normal) in zip(floor, places, strict=False):
        group = _element(table, "g", class_="place", data_number=seat.number)
        nx, ny = normal
        px, py = x + nx * (TABLE_WIDTH / 2 + 6), y + ny * (TABLE_WIDTH / 2 + 6)
        _chairs(group, px, py, normal, seat.seats_behind)
        _place(group, px, py, seat)
        # The name goes inside the U, along the radius, where there is room for it.
        inside = TABLE_WIDTH / 2 + 8
        lx, ly = x - nx * inside, y - ny * inside
        dx, dy = -nx, -ny
        if dx >= -1e-9:
            angle, anchor = math.degrees(math.atan2(dy, dx)), "start"
        else:
            angle, anchor = math.degrees(math.atan2(-dy, -dx)), "end"
        _element(
            table,
            "text",
            isolate(seat.label, base="ltr"),
            x=f"{lx:.1f}",
            y=f"{ly:.1f}",
            dy="0.35em",
            text_anchor=anchor,
            font_size=12,
            transform=f"rotate({angle:.1f} {lx:.1f} {ly:.1f})",
        )
    return mark_safe(ET.tostring(root, encoding="unicode"))  # noqa: S308 (ElementTree escapes)
