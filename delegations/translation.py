"""The register's words in the six official languages (django-modeltranslation).

Each field listed here gets a column per language in its own table (``title_en`` …
``title_ar``), so reading a meeting in any language costs no join; ``title`` itself reads
the active language's value, or English when that one is empty (settings
``MODELTRANSLATION_FALLBACK_LANGUAGES``). The historical tables of django-simple-history
are registered too: their model is built from the fields a model has before these are
added, and a historical row must keep every language of the text it records.
"""

from modeltranslation.translator import TranslationOptions, translator

from .models import Delegation, Meeting, Official, Organization, Participant


class MeetingTranslation(TranslationOptions):
    fields = ("title", "short_title", "theme", "venue", "city", "background")


class OrganizationTranslation(TranslationOptions):
    fields = ("name",)
    # Names are unique in each language; an empty translation is stored as NULL so that
    # any number of organizations can lack one.
    empty_values = {"name": None}


class HistoricalOrganizationTranslation(TranslationOptions):
    fields = ("name",)


class OfficialTranslation(TranslationOptions):
    fields = ("honorific", "position")


class RepresentingTranslation(TranslationOptions):
    fields = ("representing",)


REGISTERED = [
    (Meeting, MeetingTranslation, MeetingTranslation),
    (Organization, OrganizationTranslation, HistoricalOrganizationTranslation),
    (Official, OfficialTranslation, OfficialTranslation),
    (Delegation, RepresentingTranslation, RepresentingTranslation),
    (Participant, RepresentingTranslation, RepresentingTranslation),
]

for model, options, historical_options in REGISTERED:
    translator.register(model, options)
    translator.register(model.history.model, historical_options)
