"""Each piece of data kept in its own direction inside text of the other direction.

A Latin name inside an Arabic page (or an Arabic name inside an English one) must keep its
own order: "H.E. Mr. Ivan M. Korotchenya", not ".H.E. Mr. Ivan M"; "10:00–11:00", not
"11:00–10:00". Web pages use ``<bdi>``; where HTML does not reach (SVG text, the CSS strings
of a PDF's running headers and footers) the text carries Unicode's isolates, FSI … PDI.
CSV cells carry none: a spreadsheet sets each cell's direction from its first letter, and
an isolate would break a search, a sort or a formula on the cell.

On paper the print engine decides: WeasyPrint honours an explicit ``dir="ltr"`` on an
element but not ``dir="auto"`` nor a bare ``<bdi>``, and lays each line out on its own, so
that an isolate that wraps loses its effect after the first line. So printed documents set
every value's direction in code, from its first strong character (``direction``), with
``isolated_html``.
"""

import unicodedata

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData
from django.utils.translation import get_language_bidi

FSI = "\u2068"  # FIRST STRONG ISOLATE: the run takes the direction of its first letter.
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE: ends it.

_LEFT_TO_RIGHT = {"L"}
_RIGHT_TO_LEFT = {"R", "AL"}
_NUMBERS = {"EN", "AN"}


def direction(text):
    """ "ltr" or "rtl", as the Unicode bidirectional algorithm decides a paragraph's from
    its first strong character; "ltr" for a value of digits and punctuation only (a time,
    "10:00–11:00", a number: CLDR writes them left to right in all six languages); "" for
    no letter and no digit (nothing to isolate)."""
    has_number = False
    for char in str(text):
        kind = unicodedata.bidirectional(char)
        if kind in _LEFT_TO_RIGHT:
            return "ltr"
        if kind in _RIGHT_TO_LEFT:
            return "rtl"
        if kind in _NUMBERS:
            has_number = True
    return "ltr" if has_number else ""


def base_direction():
    """The direction of the text being written: the active language's."""
    return "rtl" if get_language_bidi() else "ltr"


def isolate(text, *, base=None):
    """``text`` between FSI and PDI, for text that HTML markup does not reach (SVG, CSS
    strings), when its direction differs from ``base`` (the active language's by default):
    a Latin name or a time in Arabic, an Arabic name in English. A value of the
    surrounding direction needs no isolate and is returned as it is, so that English
    output with Latin data stays byte for byte what it was; so is empty text, or text
    without a letter or digit."""
    text = "" if text is None else str(text)
    kind = direction(text)
    if not kind or kind == (base or base_direction()):
        return text
    if text.startswith(FSI) and text.endswith(PDI):
        return text
    return f"{FSI}{text}{PDI}"


def isolated_html(value, *, base=None):
    """``value`` escaped, in a ``<bdi>`` whose ``dir`` is set from its first strong
    character when that differs from the page's (``base``, by default the active
    language's): browsers and WeasyPrint alike keep its own order inside text of the
    other direction; a value of the page's own direction is only escaped. Empty for an
    empty value. Markup that code composed (``SafeData``, such as a name and its note) is
    returned as it is: its composer isolates its own pieces.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, SafeData):
        return value
    text = str(value)
    kind = direction(text)
    if not kind or kind == (base or base_direction()):
        return conditional_escape(value)
    return format_html('<bdi dir="{}">{}</bdi>', kind, value)


LRM = "\u200e"  # LEFT-TO-RIGHT MARK
RLM = "\u200f"  # RIGHT-TO-LEFT MARK


def in_base_direction(text, *, base=None):
    """``text`` set as a paragraph of the base direction (the active language's): a PDF's
    running header or footer. Pango takes a margin box's direction from its first letter,
    even one inside an isolate, so an Arabic header that opens with a Latin agenda item
    came out left to right; a leading mark (RLM, or LRM) fixes the paragraph's direction.
    Text whose first letter already has that direction is returned as it is."""
    text = "" if text is None else str(text)
    base = base or base_direction()
    first = direction(text.replace(FSI, "").replace(PDI, ""))
    if not first or first == base:
        return text
    return (RLM if base == "rtl" else LRM) + text
