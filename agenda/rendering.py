"""A printable document's three forms: HTML with its print stylesheet, PDF and CSV.

Every document (``agenda.documents``) is rendered here and nowhere else: the HTML from its
template, the PDF from that HTML through WeasyPrint, the CSV from its declared columns.
"""

import csv
import io
import logging
import re
from functools import lru_cache

import segno
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from delegations.models import Meeting

from .bidi import in_base_direction, isolate

# WeasyPrint logs a line per page laid out: kept off the console (jobs.py reads it).
logging.getLogger("weasyprint.progress").propagate = False

# The CSS page size of each of the meeting's paper choices (``Meeting.Paper``).
PAPER_SIZES = {Meeting.Paper.LETTER: "letter", Meeting.Paper.A4: "A4"}
# For a document that has no meeting's paper to follow; a meeting's own default is Letter.
DEFAULT_PAPER = Meeting.Paper.LETTER.value

# Cells a spreadsheet would read as a formula (or that hide one behind a control character).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A separator some spreadsheet splits on (its locale's ";", a "," or a tab, a line break
# when it ignores quotes) right before one of those starts a new cell with a formula.
HIDDEN_FORMULA = re.compile(r"[,;\t\r\n][=+\-@\t\r]")


def paper_or_default(paper, meeting=None):
    """``paper`` when it is a size documents print on, else the meeting's paper (the paper
    of the place it meets: A4 in Geneva, Letter in New York), else the default."""
    if paper in PAPER_SIZES:
        return str(paper)
    if meeting is not None and meeting.paper in PAPER_SIZES:
        return str(meeting.paper)
    return DEFAULT_PAPER


# --- QR codes --------------------------------------------------------------------------------


@lru_cache(maxsize=20_000)
def qr_svg(text):
    """The QR code of ``text`` as inline SVG; the desk's search accepts what it encodes.

    A fixed mask skips segno's trial of all eight (any mask is valid QR and scans), which
    makes a code three times faster: it matters on a sheet of thousands of badges.
    """
    code = segno.make(text, micro=False, error="m", boost_error=False, mask=0)
    return mark_safe(code.svg_inline(scale=3, border=2, omitsize=True))  # noqa: S308


class LazyQr:
    """A badge's QR code, drawn only when a template prints it (never for the CSV)."""

    def __init__(self, text):
        self.text = text

    def __bool__(self):
        return bool(self.text)

    def __html__(self):
        return qr_svg(self.text) if self.text else ""

    __str__ = __html__

    def __repr__(self):
        return f"LazyQr({self.text!r})"


# --- HTML and PDF ----------------------------------------------------------------------------


def css_string(text):
    """``text`` as a quoted CSS string that cannot close the string or the style element."""
    out = []
    for char in str(text):
        if char.isalnum() or char in " .,:;()–—'’":
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return '"' + "".join(out) + '"'


PAGE_X_OF_Y = gettext_lazy("Page %(page)s of %(pages)s")


def page_counter_css():
    """CSS ``content`` for the translated "Page x of y" at the foot of every page."""
    marker = "\x00"
    text = str(PAGE_X_OF_Y) % {"page": f"{marker}page{marker}", "pages": f"{marker}pages{marker}"}
    parts = []
    for index, piece in enumerate(text.split(marker)):
        if index % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(css_string(piece))
    return mark_safe(" ".join(parts))


def render_html(document, *, paper=None, pdf=False, request=None):
    """``paper`` left out, the document prints on its meeting's paper."""
    paper = paper_or_default(paper, document.meeting)
    context = {
        "document": document,
        "meeting": document.meeting,
        "paper": paper,
        "page_size": PAPER_SIZES[paper],
        "pdf": pdf,
        "css_title": mark_safe(css_string(document.title)),
        "css_meeting": mark_safe(css_string(in_base_direction(isolate(document.meeting.title)))),
        "css_subtitle": mark_safe(css_string(in_base_direction(document.subtitle))),
        "css_page": page_counter_css(),
        **document.get_context(),
    }
    # With the request, the inline print stylesheet carries the page's CSP nonce.
    return render_to_string(document.template, context, request=request)


def _no_fetching(url, *args, **kwargs):
    # Documents are self-contained (inline CSS and SVG); nothing a name contains is fetched.
    raise ValueError(f"Documents fetch no resources ({url}).")


def write_pdf(html):
    """The PDF of a document's HTML (as ``render_html`` gives it with ``pdf=True``)."""
    from weasyprint import HTML  # Imported here: loading pango costs time at start-up.

    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()


def render_pdf(document, *, paper=None):
    return write_pdf(render_html(document, paper=paper, pdf=True))


# --- CSV -------------------------------------------------------------------------------------


def neutralise(value):
    """A CSV cell no spreadsheet reads as a formula: a leading apostrophe where needed.

    OWASP's rule (CSV Injection): a cell that begins with = + - @ tab or CR, and also one
    that holds a separator right before one of them (``Envoy;=1+1``, ``a,=1``: a
    spreadsheet splitting on ";" or "," would start a cell there), gets a leading "'".
    ``render_csv`` quotes every cell as well, so that such a cell stays one cell, its
    apostrophe first, whatever separator the spreadsheet splits on. Other text, "a=b" or
    "Smith-Jones", is written as it is.
    """
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) or HIDDEN_FORMULA.search(text):
        return "'" + text
    return text


def render_csv(document):
    """UTF-8 with a byte-order mark, so that Excel reads the accents right; every cell in
    quotes, so that a spreadsheet splitting on ";" keeps "Envoy;=1+1" whole (neutralise)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow([neutralise(cell) for cell in document.csv_header])
    for row in document.csv_rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")
