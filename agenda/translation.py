"""The programme's words in the six official languages (django-modeltranslation); see
delegations/translation.py for how reading, fallback and history work."""

from modeltranslation.translator import TranslationOptions, translator

from .models import AgendaItem, Room, Session


class RoomTranslation(TranslationOptions):
    fields = ("name", "location")
    # Room names are unique in each language; an empty translation is stored as NULL.
    empty_values = {"name": None}


class HistoricalRoomTranslation(TranslationOptions):
    fields = ("name", "location")


class AgendaItemTranslation(TranslationOptions):
    fields = ("title", "description")


class SessionTranslation(TranslationOptions):
    fields = ("title", "notes")


REGISTERED = [
    (Room, RoomTranslation, HistoricalRoomTranslation),
    (AgendaItem, AgendaItemTranslation, AgendaItemTranslation),
    (Session, SessionTranslation, SessionTranslation),
]

for model, options, historical_options in REGISTERED:
    translator.register(model, options)
    translator.register(model.history.model, historical_options)
