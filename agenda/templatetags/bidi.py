"""``{% load bidi %}``: each piece of data isolated in its own direction (agenda.bidi)."""

from django import template

from agenda import bidi as text_direction

register = template.Library()


@register.filter
def isolated(value):
    """``{{ official.full_name|isolated }}``: the value in a ``<bdi dir="…">`` whose
    direction is decided from its first strong character; for printed documents, where
    WeasyPrint ignores a bare ``<bdi>``, and for times ("10:00–11:00") on the web."""
    return text_direction.isolated_html(value)


@register.filter
def text_dir(value):
    """ "ltr", "rtl" or "" for an attribute: ``<td dir="{{ value|text_dir }}">``."""
    return text_direction.direction(value)
