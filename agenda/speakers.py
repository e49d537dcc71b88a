"""Speakers' lists: the order of the floor on each agenda item.

The speaking order is worked out here and nowhere else. Statements come before rights of
reply; within each, an order the secretariat has set by moving inscriptions comes first,
then the others by level of representation (when the list says so) and time of inscription.
Those who have spoken head the list in the order they spoke, then whoever has the floor.

Services lock the list row (select_for_update) so that two inscriptions or two moves at
the same moment cannot interleave.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from delegations.models import Delegation, Participant
from meetingsite.caching import cached_page

from .models import AgendaItem, Inscription, SpeakersList
from .views import meeting_page

Status = Inscription.Status
Level = Inscription.Level


# ---------------------------------------------------------------- order


def queue_key(inscription, *, levels_first):
    """Sort key of an inscription still waiting for the floor. Rights of reply are heard
    in the order they were asked for, whatever the level."""
    return (
        inscription.is_reply,
        inscription.position is None,
        inscription.position or 0,
        inscription.level_rank if levels_first and not inscription.is_reply else 0,
        inscription.inscribed_at,
        inscription.pk,
    )


def speaking_order(speakers_list, inscriptions):
    """The inscriptions of ``speakers_list`` in speaking order, withdrawn ones left out."""
    spoken = sorted(
        (i for i in inscriptions if i.status == Status.SPOKEN),
        key=lambda i: (i.spoke_at or i.inscribed_at, i.pk),
    )
    speaking = [i for i in inscriptions if i.status == Status.SPEAKING]
    waiting = sorted(
        (i for i in inscriptions if i.status == Status.INSCRIBED),
        key=lambda i: queue_key(i, levels_first=speakers_list.levels_first),
    )
    return spoken + speaking + waiting


def level_of(delegation, speaker):
    """The level of representation of ``speaker`` for ``delegation``.

    The head of a United Nations delegation is a presiding officer (the Secretary-General,
    the Presidents of the General Assembly and the Security Council); the head of any
    other delegation speaks for the head of its organization; anyone else is a lower level.
    The secretariat can correct the level in the admin.
    """
    if speaker is None or speaker.role != Participant.Role.HEAD:
        return Level.OTHER
    if delegation.organization.kind == delegation.organization.Kind.UN:
        return Level.PRESIDING
    return Level.HEAD


# ---------------------------------------------------------------- services


def _locked_list(speakers_list_id):
    return SpeakersList.objects.select_for_update().get(pk=speakers_list_id)


def _locked_inscriptions(speakers_list):
    return list(
        Inscription.objects.select_for_update().filter(speakers_list=speakers_list).order_by("pk")
    )


def speakers_list_for(*, agenda_item):
    """The speakers' list of ``agenda_item``, opened on first use."""
    speakers_list, _created = SpeakersList.objects.get_or_create(agenda_item=agenda_item)
    return speakers_list


@transaction.atomic
def inscription_add(
    *, agenda_item, delegation, speaker=None, level=None, is_reply=False, user=None, now=None
):
    """Inscribe ``delegation`` on the list of ``agenda_item``; the level is derived from the
    speaker unless given."""
    speakers_list = _locked_list(speakers_list_for(agenda_item=agenda_item).pk)
    inscription = Inscription(
        speakers_list=speakers_list,
        delegation=delegation,
        speaker=speaker,
        level=level or level_of(delegation, speaker),
        is_reply=is_reply,
        inscribed_at=now or timezone.now(),
        inscribed_by=user,
    )
    inscription.full_clean()
    inscription.save()
    return inscription


@transaction.atomic
def inscription_reply_add(*, inscription, user=None, now=None):
    """A right of reply for the delegation of ``inscription``, after every statement."""
    speakers_list = _locked_list(inscription.speakers_list_id)
    return inscription_add(
        agenda_item=speakers_list.agenda_item,
        delegation=inscription.delegation,
        speaker=inscription.speaker,
        level=inscription.level,
        is_reply=True,
        user=user,
        now=now,
    )


def _reload(inscription, inscriptions):
    return next(i for i in inscriptions if i.pk == inscription.pk)


@transaction.atomic
def inscription_move(*, inscription, up):
    """Move a waiting inscription one place up (or down) among the statements or among the
    rights of reply. The whole waiting order is written down as positions, so later
    inscriptions join after the order the secretariat set. Returns False at the end."""
    speakers_list = _locked_list(inscription.speakers_list_id)
    inscriptions = _locked_inscriptions(speakers_list)
    inscription = _reload(inscription, inscriptions)
    if inscription.status != Status.INSCRIBED:
        raise ValidationError(_("Only a waiting inscription can be moved."), code="not_waiting")
    waiting = [
        i
        for i in speaking_order(speakers_list, inscriptions)
        if i.status == Status.INSCRIBED and i.is_reply == inscription.is_reply
    ]
    index = waiting.index(inscription)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(waiting):
        return False
    waiting[index], waiting[other] = waiting[other], waiting[index]
    for number, item in enumerate(waiting, start=1):
        if item.position != number:
            item.position = number
            item.save(update_fields=["position"])
    return True


def _set_status(inscription, status, **fields):
    inscription.status = status
    for name, value in fields.items():
        setattr(inscription, name, value)
    inscription.save(update_fields=["status", *fields])


@transaction.atomic
def inscription_call(*, inscription, now=None):
    """Give ``inscription`` the floor; whoever had it has spoken."""
    speakers_list = _locked_list(inscription.speakers_list_id)
    inscriptions = _locked_inscriptions(speakers_list)
    inscription = _reload(inscription, inscriptions)
    if inscription.status != Status.INSCRIBED:
        raise ValidationError(_("Only a waiting inscription can be called."), code="not_waiting")
    for other in inscriptions:
        if other.status == Status.SPEAKING:
            _set_status(other, Status.SPOKEN)
    _set_status(inscription, Status.SPEAKING, spoke_at=now or timezone.now())
    return inscription


@transaction.atomic
def inscription_mark_spoken(*, inscription, now=None):
    """Mark ``inscription`` as having spoken (from the floor, or straight from the queue)."""
    speakers_list = _locked_list(inscription.speakers_list_id)
    inscription = _reload(inscription, _locked_inscriptions(speakers_list))
    if inscription.status not in (Status.INSCRIBED, Status.SPEAKING):
        raise ValidationError(
            _("A withdrawn or spoken inscription cannot be marked spoken."), code="not_waiting"
        )
    _set_status(inscription, Status.SPOKEN, spoke_at=inscription.spoke_at or now or timezone.now())
    return inscription


@transaction.atomic
def inscription_withdraw(*, inscription):
    speakers_list = _locked_list(inscription.speakers_list_id)
    inscription = _reload(inscription, _locked_inscriptions(speakers_list))
    if inscription.status != Status.INSCRIBED:
        raise ValidationError(
            _("Only a waiting inscription can be withdrawn."), code="not_waiting"
        )
    _set_status(inscription, Status.WITHDRAWN, position=None)
    return inscription


# ---------------------------------------------------------------- reads


def list_rows(speakers_list):
    """(ordered inscriptions, the one speaking or None, withdrawn ones) in one query."""
    inscriptions = list(speakers_list.inscriptions.for_list())
    ordered = speaking_order(speakers_list, inscriptions)
    speaking = next((i for i in ordered if i.status == Status.SPEAKING), None)
    withdrawn = [i for i in inscriptions if i.status == Status.WITHDRAWN]
    return ordered, speaking, withdrawn


def _item_and_list(meeting, number):
    item = get_object_or_404(AgendaItem, meeting=meeting, number=number)
    speakers_list = SpeakersList.objects.filter(agenda_item=item).first()
    if speakers_list is None:
        # Not opened yet: an empty list with the default settings, not saved.
        speakers_list = SpeakersList(agenda_item=item)
    return item, speakers_list


def _list_context(item, speakers_list):
    if speakers_list.pk is None:
        ordered, speaking, withdrawn = [], None, []
    else:
        ordered, speaking, withdrawn = list_rows(speakers_list)
    return {
        "item": item,
        "speakers_list": speakers_list,
        "rows": ordered,
        "speaking": speaking,
        "withdrawn": withdrawn,
    }


# ---------------------------------------------------------------- public page


@cached_page
@meeting_page
def public_list(request, meeting, context, number):
    item, speakers_list = _item_and_list(meeting, number)
    context.update(_list_context(item, speakers_list))
    return render(request, "agenda/speakers.html", context)


# ---------------------------------------------------------------- focal points


class InscribeForm(forms.Form):
    item = forms.TypedChoiceField(label=gettext_lazy("Agenda item"), coerce=int)
    speaker = forms.TypedChoiceField(
        label=gettext_lazy("Speaker"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, items, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = {item.number: item for item in items}
        self.participants = {p.pk: p for p in participants}
        self.fields["item"].choices = [(item.number, str(item)) for item in items]
        self.fields["speaker"].choices = [("", _("To be announced"))] + [
            (p.pk, f"{p.official.full_name} ({p.get_role_display()})") for p in participants
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def clean_item(self):
        return self.items[self.cleaned_data["item"]]

    def clean_speaker(self):
        pk = self.cleaned_data["speaker"]
        return None if pk is None else self.participants[pk]


def inscription_refusal(delegation, *, today=None):
    """Why the focal point of ``delegation`` may not inscribe it now, or "".

    Inscriptions stay open until the meeting's last day is over (in its own time zone),
    whatever the registration deadline: lists are made during the meeting too.
    """
    if delegation.status in (Delegation.Status.DECLINED, Delegation.Status.WITHDRAWN):
        return _("Your delegation has declined or withdrawn; it cannot be inscribed.")
    meeting = delegation.meeting
    today = today or timezone.now().astimezone(meeting.tz).date()
    if today > meeting.end_date:
        return _("The meeting is over; the speakers' lists are closed.")
    return ""


def _private(response):
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def focal_point(request, token):
    delegation = Delegation.objects.for_token(token)
    if delegation is None:
        raise Http404(_("This registration link is not valid. Check that you copied all of it."))
    if not delegation.link_active:
        return _private(
            render(
                request,
                "agenda/speakers_closed.html",
                {"reason": _("This link was revoked.")},
                status=410,
            )
        )
    meeting = delegation.meeting
    items = list(AgendaItem.objects.filter(meeting=meeting))
    participants = list(Participant.objects.filter(delegation=delegation).listed())
    refusal = inscription_refusal(delegation)
    form = InscribeForm(request.POST or None, items=items, participants=participants)
    if request.method == "POST":
        if refusal:
            context = {"reason": refusal, "delegation": delegation}
            return _private(render(request, "agenda/speakers_closed.html", context, status=403))
        if form.is_valid():
            item = form.cleaned_data["item"]
            if SpeakersList.objects.filter(agenda_item=item, is_closed=True).exists():
                form.add_error("item", _("The list on this item is closed."))
            else:
                try:
                    inscription_add(
                        agenda_item=item,
                        delegation=delegation,
                        speaker=form.cleaned_data["speaker"],
                    )
                except ValidationError as error:
                    form.add_error(None, ValidationError(error.messages))
                else:
                    return redirect("speakers:focal_point", token=token)
    own = list(
        Inscription.objects.for_list()
        .select_related("speakers_list__agenda_item")
        .filter(delegation=delegation)
        .exclude(status=Status.WITHDRAWN)
        .order_by("speakers_list__agenda_item__number", "is_reply", "inscribed_at")
    )
    context = {
        "delegation": delegation,
        "meeting": meeting,
        "form": form,
        "refusal": refusal,
        "own": own,
        "places": _places(own),
    }
    return _private(render(request, "agenda/speakers_focal_point.html", context))


def _places(own):
    """{inscription pk: place in its list's speaking order} for the focal point's own rows,
    one query per list they are on (a delegation is on a handful of lists)."""
    places = {}
    for speakers_list in {i.speakers_list for i in own}:
        ordered, _speaking, _withdrawn = list_rows(speakers_list)
        for number, inscription in enumerate(ordered, start=1):
            places[inscription.pk] = number
    return places
