"""The speakers' list printed at the desk."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import documents
from .models import AgendaItem, SpeakersList


def _item_and_list(meeting, number):
    item = get_object_or_404(AgendaItem, meeting=meeting, number=number)
    return item, SpeakersList.objects.for_item(item)


def speakers_document(meeting, item, speakers_list):
    ordered, _speaking, _withdrawn = speakers_list.rows()
    rows = [
        {
            "number": number,
            "organization": documents.organization_label(inscription.delegation.organization),
            "speaker": inscription.speaker.official.full_name if inscription.speaker else "",
            "level": inscription.get_level_display(),
            "reply": inscription.is_reply,
            "status": inscription.get_status_display(),
        }
        for number, inscription in enumerate(ordered, start=1)
    ]
    if speakers_list.minutes_per_statement:
        limit = _("Time limit: %(minutes)d minutes per statement") % {
            "minutes": speakers_list.minutes_per_statement
        }
    else:
        limit = _("No time limit")
    return documents.Document(
        kind="speakers",
        title=_("Speakers' list"),
        meeting=meeting,
        subtitle=f"{item} — {limit}",
        filename=f"speakers-item-{item.number}",
        template="documents/speakers.html",
        csv_header=[_("No."), _("Organization"), _("Speaker"), _("Level"), _("Status")],
        csv_rows=[
            [
                row["number"],
                row["organization"],
                row["speaker"],
                row["level"] + (f" ({_('right of reply')})" if row["reply"] else ""),
                row["status"],
            ]
            for row in rows
        ],
        context={"rows": rows, "item": item, "speakers_list": speakers_list},
    )


@require_GET
def desk_document(request, number):
    # Imported here: agenda.desk imports the documents this module builds on.
    from .desk import _respond, current_meeting_or_404

    meeting = current_meeting_or_404()
    item, speakers_list = _item_and_list(meeting, number)
    return _respond(request, speakers_document(meeting, item, speakers_list))
