"""The Jinja2 environment of the templates under templates/jinja2/.

Jinja2 renders the few templates that loop over a meeting's whole programme (the session
tables: 500 rows a page at the largest meetings), several times faster than Django's
engine for the same loop; the pages around them stay Django templates. Words are
translated by Django's own catalogue: ``{{ _("Time") }}`` is found by makemessages as in
any template.
"""

from django.utils.translation import gettext, ngettext, npgettext, pgettext
from jinja2 import Environment


def environment(**options):
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(
        gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext
    )
    return env
