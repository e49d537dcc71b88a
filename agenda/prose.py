"""A meeting's own text, written by the secretariat in Markdown, as safe HTML for its pages.

Python-Markdown turns the text into HTML (and passes any HTML written in it through), so
nh3 then keeps only what prose needs: headings, paragraphs, lists, emphasis, quotations
and links to web or mail addresses. A script, an event handler or a ``javascript:`` link
never reaches the page, whoever typed it.
"""

import markdown
import nh3
from django.utils.safestring import mark_safe

TAGS = {
    *(f"h{level}" for level in range(1, 7)),
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "em",
    "strong",
    "blockquote",
    "a",
}
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def markdown_html(text):
    """The sanitised HTML of Markdown ``text`` ("" for an empty one), safe to print as is."""
    if not text or not text.strip():
        return ""
    html = markdown.markdown(text, output_format="html")
    return mark_safe(  # noqa: S308 - nh3 has just removed everything but TAGS and ATTRIBUTES.
        nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES)
    )
