"""A printable document's three forms: HTML with its print stylesheet, PDF and CSV.

Every document (``agenda.documents``) is rendered here and nowhere else: the HTML from its
template, the CSV from its declared columns, and the PDF either typeset by Typst from the
document's data (the documents of thousands of rows: sign-in sheet, list of participants,
attendance record, badges; ``Document.typeset`` names their template in
templates/typst/) or laid out from the HTML by WeasyPrint (the others).
"""

import atexit
import csv
import io
import json
import logging
import math
import os
import re
import shutil
import tempfile
import threading
from functools import cache, lru_cache, partial
from pathlib import Path

import zxingcpp
from django.template.loader import render_to_string
from django.utils import translation
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

# A row's dark modules, one run at a time (``qr_code``'s pixels: 0 is dark).
DARK_RUN = re.compile(rb"\x00+")


@lru_cache(maxsize=20_000)
def qr_code(text):
    """The QR code of ``text`` as ``(side, pixels)``: a square of side × side modules, its
    quiet zone of four included, one byte a module (0 dark, 255 light) row after row.

    Error correction M, the smallest version that holds the text: a badge number is
    version 1, 21 modules across. The desk's search accepts what it encodes. zxing-cpp
    writes a code in a tenth of a millisecond, a sheet of 5,000 badges in half a second.
    """
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = code.to_image(scale=1, add_quiet_zones=True)
    return image.shape[1], bytes(memoryview(image))


@lru_cache(maxsize=20_000)
def qr_svg(text):
    """The QR code of ``text`` as inline SVG, for the HTML: one path of its dark runs.

    Hidden from screen readers: the badge prints its number beside it.
    """
    side, pixels = qr_code(text)
    runs = "".join(
        f"M{run.start() - y * side} {y}h{len(run.group())}v1h-{len(run.group())}z"
        for y in range(side)
        for run in DARK_RUN.finditer(pixels, y * side, (y + 1) * side)
    )
    return mark_safe(  # noqa: S308 (numbers only)
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" '
        f'shape-rendering="crispEdges" aria-hidden="true"><path d="{runs}"/></svg>'
    )


def qr_codes(texts):
    """The QR codes of ``texts`` for Typst: ``({text: {"at": offset, "side": side}}, pixels)``,
    each code's pixels once in one string of bytes (the template slices it).

    Typst draws a code of raw pixels (luma8) about twice as fast as one in SVG.
    """
    placed, pixels = {}, bytearray()
    for text in texts:
        if text and text not in placed:
            side, code = qr_code(text)
            placed[text] = {"at": len(pixels), "side": side}
            pixels += code
    return placed, bytes(pixels)


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
    """The document's PDF on ``paper`` (left out: the meeting's paper), as bytes."""
    if document.typeset:
        return typeset_pdf(document, paper=paper)
    return write_pdf(render_html(document, paper=paper, pdf=True))


# --- PDF typeset by Typst --------------------------------------------------------------------

TYPST_DIR = Path(__file__).resolve().parent.parent / "templates" / "typst"
# Typst's names of the meeting's paper choices.
TYPST_PAPER = {Meeting.Paper.LETTER: "us-letter", Meeting.Paper.A4: "a4"}
# Noto from Debian (`make fonts`): Latin, Greek and Cyrillic, then Arabic, then Chinese;
# DejaVu where Noto is missing. Typst picks, character by character, the first that has it.
TYPST_FONTS = ["Noto Sans", "Noto Sans Arabic", "Noto Sans CJK SC", "DejaVu Sans"]
# The system's font folders: nothing is downloaded, and Typst's own embedded fonts stay out.
SYSTEM_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")

_compiler_lock = threading.Lock()


@lru_cache(maxsize=1)
def typst_compiler():
    """One Typst compiler per process: it reads the fonts once (a fifth of a second)."""
    # Typst's worker threads (rayon's) get Rust's 2 MiB stack unless told otherwise; a stack
    # overflowed once while badges were laid out on both cores. Read when the first thread
    # starts; address space only, taken as the stack grows.
    os.environ.setdefault("RUST_MIN_STACK", str(16 * 1024 * 1024))
    import typst  # Imported here, as WeasyPrint is: only a process that prints loads it.

    folders = [folder for folder in SYSTEM_FONT_DIRS if Path(folder).is_dir()]
    return typst.Compiler(font_paths=folders, ignore_system_fonts=True)


# --- Rows Typst need not measure ---------------------------------------------------------------

# A text that takes more lines than this is left to Typst to measure.
MOST_LINES = 3
# Bidi isolates and marks (agenda.bidi): Typst sets no glyph for them.
NO_WIDTH = str.maketrans("", "", "\u200e\u200f\u2066\u2067\u2068\u2069")


@cache
def measured_fonts():
    """HarfBuzz's fonts of the first three of ``TYPST_FONTS``, (Latin, Arabic, CJK), or
    None where one is not installed. HarfBuzz shapes text as Typst does (rustybuzz, which
    Typst uses, is its port): the same glyphs, the same advances."""
    import uharfbuzz

    files = {
        "Noto Sans": "NotoSans-Regular.ttf",
        "Noto Sans Arabic": "NotoSansArabic-Regular.ttf",
        "Noto Sans CJK SC": "NotoSansCJK-Regular.ttc",
    }
    fonts = []
    for family, name in files.items():
        paths = [path for folder in SYSTEM_FONT_DIRS for path in Path(folder).rglob(name)]
        if not paths:
            return None
        blob = uharfbuzz.Blob.from_file_path(str(paths[0]))
        faces = (uharfbuzz.Face(blob, index) for index in range(uharfbuzz.Face(blob).count))
        face = next(
            (
                face
                for face in faces
                if face.get_name(uharfbuzz.OTNameIdPredefined.FONT_FAMILY) == family
            ),
            None,
        )
        if face is None:
            return None
        fonts.append(uharfbuzz.Font(face))
    return tuple(fonts)


def shaped_width(font, text):
    """The advance of ``text`` shaped in ``font``, in ems."""
    import uharfbuzz

    buffer = uharfbuzz.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    uharfbuzz.shape(font, buffer)
    return sum(glyph.x_advance for glyph in buffer.glyph_positions) / font.face.upem


@cache
def space_width():
    """A space's width in ems, in Noto Sans (where Typst sets every space); None without
    the fonts."""
    fonts = measured_fonts()
    return None if fonts is None else shaped_width(fonts[0], " ")


def line_height(font):
    """A line's height in ``font``, in ems: its ascender to its descender, the edges that
    templates/typst/common.typ sets a line between."""
    extents = font.get_font_extents("ltr")
    return (extents.ascender - extents.descender) / font.face.upem


@lru_cache(maxsize=20_000)
def word_metrics(word):
    """``(width, height)`` of ``word`` in ems of its size as Typst sets it, each character in
    the first font that has it (Noto Sans, Noto Sans Arabic, Noto Sans CJK). The height is
    None for a word of CJK alone (a line of it alone is lower); the whole is None for a
    word with a character none of them has.
    """
    fonts = measured_fonts()
    word = word.translate(NO_WIDTH)
    if fonts is None or not word:
        return None
    runs = []  # (font, characters) in order, a run a font
    for char in word:
        font = next((font for font in fonts if font.get_nominal_glyph(ord(char))), None)
        if font is None:
            return None
        if runs and runs[-1][0] is font:
            runs[-1][1].append(char)
        else:
            runs.append((font, [char]))
    width = sum(shaped_width(font, "".join(text)) for font, text in runs)
    heights = [line_height(font) for font, _text in runs if font is not fonts[-1]]
    return width, max(heights, default=None)


def broken_lines(pieces, room):
    """``(width, height)`` of each line ``pieces`` take on lines ``room`` wide, each line
    filled before the next begins, as Typst breaks a paragraph that is not justified; a
    line of CJK alone has the height None. ``pieces``: ``(width, height, space before)``."""
    lines, width, height = [], None, None
    for piece, piece_height, before in pieces:
        if width is not None and width + before + piece <= room + 1e-9:  # added in another order
            width += before + piece
            if piece_height is not None and (height is None or piece_height > height):
                height = piece_height
        else:
            if width is not None:
                lines.append((width, height))
            width, height = piece, piece_height
    lines.append((width, height))
    return lines


# Where a word breaks besides a space: after a hyphen between letters ("Secretary-General").
AFTER_HYPHEN = re.compile(r"(?<=[^\W\d_]-)(?=[^\W\d_])")
# No line breaks at a space before a closing mark or after an opening one (Unicode's line
# breaking: "Conseiller :", "« Paix »"): such a word is set with its neighbour. Joining more
# than Typst joins only ever predicts more lines.
CLOSING = frozenset("!?:;,.)]}/»”’\"'…")
OPENING = frozenset("([{«“‘\"'¿¡")


@lru_cache(maxsize=20_000)
def line_breaks(text):
    """How tall ``text`` is on lines of each width, in ems of its size: ``[width, height]``
    from the widest line it needs down, the height it takes on lines that wide or wider
    (down to the next width). None where it cannot tell (``word_metrics``), or for other
    spaces than single ones between words.

    Each line is as tall as its tallest word (Arabic rises higher than Latin). Up to
    ``MOST_LINES`` lines, and no line of CJK alone (lower than a line of Latin, by how much
    the fonts' metrics do not tell as Typst reads them). Typst breaks at spaces and after
    hyphens between letters, as here, and at a few more places (between ideographs): there
    the text may take fewer lines, never more. Widths rounded up to a thousandth.
    """
    if not text:
        return [[0, 0]]
    if text != " ".join(text.split()):
        return None
    space = space_width()
    if space is None:
        return None
    pieces = []
    for word in text.split(" "):
        for index, part in enumerate(AFTER_HYPHEN.split(word)):
            metrics = word_metrics(part)
            if metrics is None:
                return None
            shown = part.translate(NO_WIDTH)
            if index == 0 and pieces and (shown[0] in CLOSING or pieces[-1][3] in OPENING):
                width, height, before, _last = pieces[-1]
                tallest = max((h for h in (height, metrics[1]) if h is not None), default=None)
                pieces[-1] = (width + space + metrics[0], tallest, before, shown[-1])
            else:
                pieces.append((*metrics, 0.0 if index else space, shown[-1]))
    pieces = [piece[:3] for piece in pieces]
    # The lines on ``room``: as they are on any width down to their widest; just below,
    # the widest breaks.
    heights, room = [], sum(width + before for width, _height, before in pieces)
    while True:
        lines = broken_lines(pieces, room)
        if len(lines) > MOST_LINES or any(height is None for _width, height in lines):
            break
        widest = max(width for width, _height in lines)
        if widest > room + 1e-9:
            break  # a word wider than the line: it would run over
        height = sum(height for _width, height in lines)
        least = math.ceil(widest * 1000) / 1000
        if heights and heights[-1][1] == height:
            heights[-1][0] = least  # as tall on these narrower lines
        else:
            heights.append([least, height])
        room = widest - 1e-6
    return heights or None


def row_breaks(texts):
    """``line_breaks`` of each of a table row's texts, or None if one is unknown: with them
    the template finds each row's height without laying it out (common.typ, ``row-heights``)."""
    breaks = [line_breaks(text) for text in texts]
    return None if None in breaks else breaks


@cache
def typst_root(pid):
    """Process ``pid``'s folder for Typst, the only one its templates can read: a link to
    each template of templates/typst and the binary files of the document being printed
    (``Document.print_files``), which ``sys.inputs`` (strings) cannot carry.

    A folder per process (a server's workers are forked), emptied when it exits; within
    it ``_compiler_lock`` keeps one print at a time.
    """
    folder = Path(tempfile.mkdtemp(prefix="meetingsite-typst-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    for template in TYPST_DIR.glob("*.typ"):
        (folder / template.name).symlink_to(template)
    return folder


def page_pieces():
    """The translated "Page x of y" as pieces of text and the two numbers' places."""
    marker = "\x00"
    text = str(PAGE_X_OF_Y) % {"page": f"{marker}page{marker}", "pages": f"{marker}pages{marker}"}
    return [
        {"number": piece} if index % 2 else {"text": piece}
        for index, piece in enumerate(text.split(marker))
        if piece
    ]


def typst_data(document, paper):
    """Everything the Typst template prints, as JSON: the page, the margins' text, and the
    document's own body (``Document.print_body``), each value isolated where needed."""
    rtl = translation.get_language_bidi()
    # Each value between FSI and PDI where its direction differs from the document's
    # (agenda.bidi): in Arabic a Latin name, a time or a number keeps its own order.
    isolate_data = partial(isolate, base="rtl" if rtl else "ltr")
    return {
        # Typst wants the language alone ("zh" of "zh-hans"): it picks the line breaking,
        # the quotes and the hyphenation by it.
        "lang": (translation.get_language() or "en").split("-")[0],
        "rtl": rtl,
        "paper": TYPST_PAPER[paper],
        "fonts": TYPST_FONTS,
        "title": str(document.title),
        "subtitle": document.print_subtitle(isolate_data),
        "meeting": isolate_data(document.meeting.title),
        "short_title": isolate_data(document.meeting.short_title),
        "page": page_pieces(),
        "body": document.print_body(isolate_data),
    }


def typeset_pdf(document, *, paper=None):
    """The PDF of a document that declares a Typst template (``Document.typeset``).

    The data reaches the template as one JSON string (``sys.inputs``), never as Typst
    source: a name holding ``#``, ``$``, ``*`` or ``<`` prints as it is and runs nothing.
    """
    paper = paper_or_default(paper, document.meeting)
    data = json.dumps(typst_data(document, paper), ensure_ascii=False)
    files = document.print_files()
    with _compiler_lock:  # One compiler, shared by the background jobs' threads.
        root = typst_root(os.getpid())
        for name, content in files.items():
            (root / name).write_bytes(content)
        content = typst_compiler().compile(
            # The template's text, not its path: its path is outside the root (a link in it),
            # and Typst refuses a path outside.
            input=(TYPST_DIR / document.typeset).read_bytes(),
            root=str(root),
            format="pdf",
            sys_inputs={"data": data},
            # Untagged, as WeasyPrint's: tags make the file ten times larger.
            pdf_tags=False,
        )
    # Typst marks a document mostly in Arabic as read right to left (a viewer preference
    # for facing pages). PDFium, the reader in Chrome, then reverses the words of every line
    # it copies or searches, Latin names too ("Korotchenya .M Ivan .Mr .E.H"); without the
    # mark it reads each line's directions itself. Same length: the offsets stay right.
    return content.replace(VIEWER_RIGHT_TO_LEFT, VIEWER_LEFT_TO_RIGHT, 1)


VIEWER_RIGHT_TO_LEFT = b"/ViewerPreferences<</Direction/R2L"
VIEWER_LEFT_TO_RIGHT = b"/ViewerPreferences<</Direction/L2R"


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
