"""Writes of the agenda app and the rules they keep: check-in at the desk, issued lists of
participants, speakers' lists and the seating draw.

Every function takes keyword arguments only and runs in one transaction. Speakers' lists
lock the list row (select_for_update) so that two inscriptions or two moves at the same
moment cannot interleave.
"""

import random
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from delegations.models import Delegation, Meeting, Participant

from . import documents
from .models import (
    Attendance,
    Inscription,
    ParticipantListVersion,
    SeatingDraw,
    Session,
    SpeakersList,
)


def attendance_check(*, session, participant):
    """Refuse (ValidationError) a check-in of ``participant`` to ``session`` that cannot be."""
    if participant.delegation.meeting_id != session.meeting_id:
        raise ValidationError(
            _("%(participant)s is not a participant in this session's meeting.")
            % {"participant": participant.official},
            code="wrong_meeting",
        )
    if participant.status == Participant.Status.CANCELLED:
        raise ValidationError(
            _("%(participant)s's participation was cancelled.")
            % {"participant": participant.official},
            code="cancelled",
        )
    if not participant.delegation.is_active:
        raise ValidationError(
            _("The delegation of %(organization)s has %(status)s.")
            % {
                "organization": participant.delegation.organization,
                "status": participant.delegation.get_status_display().lower(),
            },
            code="inactive_delegation",
        )
    if session.kind == Session.Kind.BREAK:
        raise ValidationError(
            _("Nobody is checked in to a break."),
            code="break",
        )


def attendance_check_in(*, session, participant, user):
    """Record that ``participant`` is present at ``session``; return (attendance, created).

    Checking someone in twice is harmless: the first record, with its time and the
    person who made it, stands. Two desks checking the same person in at the same
    moment meet at the database's unique constraint, and the loser reads the winner's row.
    """
    attendance_check(session=session, participant=participant)
    existing = Attendance.objects.filter(session=session, participant=participant).first()
    if existing is not None:
        return existing, False
    attendance = Attendance(
        session=session,
        participant=participant,
        checked_in_by=user if user is not None and user.is_authenticated else None,
    )
    attendance.full_clean(exclude=["checked_in_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            attendance.save()
    except IntegrityError:
        existing = Attendance.objects.filter(session=session, participant=participant).first()
        if existing is None:
            raise
        return existing, False
    return attendance, True


def attendance_undo(*, session, participant):
    """Remove ``participant``'s check-in to ``session``; return whether there was one."""
    with transaction.atomic():
        deleted, _details = Attendance.objects.filter(
            session=session, participant=participant
        ).delete()
    return deleted > 0


def participants_version_issue(*, meeting, kind, user, base_symbol="", now=None):
    """Issue the list of participants as it stands: provisional, the next Rev.N, or final.

    The provisional list comes first and only once; revisions and the final list follow it;
    nothing follows the final list. The symbol is ``base_symbol`` (by default the provisional
    list's) with "/Rev.N" for revisions and the final list. The rows are frozen in the
    version's snapshot. One transaction; two secretaries issuing at once get one version
    and one clear error.
    """
    Kind = ParticipantListVersion.Kind
    if kind not in Kind.values:
        raise ValidationError(_("Choose provisional, revision or final."), code="invalid_kind")
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        versions = list(
            ParticipantListVersion.objects.filter(meeting=meeting).order_by("revision")
        )
        if any(version.kind == Kind.FINAL for version in versions):
            raise ValidationError(
                _("The final list of participants is already issued."), code="final_issued"
            )
        if kind == Kind.PROVISIONAL and versions:
            raise ValidationError(
                _("The provisional list is already issued; issue a revision."),
                code="provisional_issued",
            )
        if kind != Kind.PROVISIONAL and not versions:
            raise ValidationError(_("Issue the provisional list first."), code="no_provisional")
        base = (base_symbol or "").strip()
        if not base and versions:
            base = versions[0].symbol
        if not base:
            raise ValidationError(
                _("Give the document symbol of the list, for example UN-RO/1996/INF/1."),
                code="no_symbol",
            )
        revision = versions[-1].revision + 1 if versions else 0
        symbol = base if revision == 0 else f"{base}/Rev.{revision}"
        document = documents.ParticipantsList(meeting)
        version = ParticipantListVersion(
            meeting=meeting,
            kind=kind,
            revision=revision,
            symbol=symbol,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            issued_at=now or timezone.now(),
            issued_by=user,
            snapshot=document.snapshot(),
        )
        version.full_clean()
        try:
            with transaction.atomic():
                version.save()
        except IntegrityError:
            raise ValidationError(
                _("This version of the list is already issued."), code="already_issued"
            ) from None
    return version


# --- Speakers' lists ---------------------------------------------------------------------

InscriptionStatus = Inscription.Status
Level = Inscription.Level


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


def inscription_refusal(delegation):
    """Why the focal point of ``delegation`` may not inscribe it now, or "".

    Inscriptions stay open until the meeting is over (``Meeting.is_over``), whatever the
    registration deadline: lists are made during the meeting too.
    """
    if not delegation.is_active:
        return _("Your delegation has declined or withdrawn; it cannot be inscribed.")
    meeting = delegation.meeting
    if meeting.is_over:
        return _(
            "The meeting is over: it ended on %(date)s, and the speakers' lists are closed. "
            "Your delegation's inscriptions are still shown here."
        ) % {"date": date_format(meeting.end_date, "j F Y")}
    return ""


def _locked_list(speakers_list_id):
    return SpeakersList.objects.select_for_update().get(pk=speakers_list_id)


def _locked_inscriptions(speakers_list):
    return list(
        Inscription.objects.select_for_update().filter(speakers_list=speakers_list).order_by("pk")
    )


def _reload(inscription, inscriptions):
    return next(i for i in inscriptions if i.pk == inscription.pk)


def speakers_list_open(*, agenda_item):
    """The speakers' list of ``agenda_item``, opened on first use."""
    speakers_list, _created = SpeakersList.objects.get_or_create(agenda_item=agenda_item)
    return speakers_list


@transaction.atomic
def inscription_add(
    *, agenda_item, delegation, speaker=None, level=None, is_reply=False, user=None, now=None
):
    """Inscribe ``delegation`` on the list of ``agenda_item``; the level is derived from the
    speaker unless given."""
    speakers_list = _locked_list(speakers_list_open(agenda_item=agenda_item).pk)
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
def inscription_by_focal_point(*, agenda_item, delegation, speaker=None):
    """A focal point inscribes its delegation through its private link: refused when the
    delegation may not (``inscription_refusal``) or the list on the item is closed."""
    refusal = inscription_refusal(delegation)
    if refusal:
        raise ValidationError(refusal, code="inscription_refused")
    if SpeakersList.objects.filter(agenda_item=agenda_item, is_closed=True).exists():
        raise ValidationError(_("The list on this item is closed."), code="list_closed")
    return inscription_add(agenda_item=agenda_item, delegation=delegation, speaker=speaker)


@transaction.atomic
def inscription_correct(*, inscription):
    """The secretariat corrects an inscription's delegation, speaker, level or kind, under
    the list's lock, so that a move or a call at the same moment is not overwritten."""
    _locked_list(inscription.speakers_list_id)
    inscription.full_clean()
    inscription.save(update_fields=["delegation", "speaker", "level", "is_reply"])
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


@transaction.atomic
def inscription_move(*, inscription, up):
    """Move a waiting inscription one place up (or down) among the statements or among the
    rights of reply. The whole waiting order is written down as positions, so later
    inscriptions join after the order the secretariat set. Returns False at the end."""
    speakers_list = _locked_list(inscription.speakers_list_id)
    inscriptions = _locked_inscriptions(speakers_list)
    inscription = _reload(inscription, inscriptions)
    if inscription.status != InscriptionStatus.INSCRIBED:
        raise ValidationError(_("Only a waiting inscription can be moved."), code="not_waiting")
    waiting = [
        i
        for i in speakers_list.speaking_order(inscriptions)
        if i.status == InscriptionStatus.INSCRIBED and i.is_reply == inscription.is_reply
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
    if inscription.status != InscriptionStatus.INSCRIBED:
        raise ValidationError(_("Only a waiting inscription can be called."), code="not_waiting")
    for other in inscriptions:
        if other.status == InscriptionStatus.SPEAKING:
            _set_status(other, InscriptionStatus.SPOKEN)
    _set_status(inscription, InscriptionStatus.SPEAKING, spoke_at=now or timezone.now())
    return inscription


@transaction.atomic
def inscription_mark_spoken(*, inscription, now=None):
    """Mark ``inscription`` as having spoken (from the floor, or straight from the queue)."""
    speakers_list = _locked_list(inscription.speakers_list_id)
    inscription = _reload(inscription, _locked_inscriptions(speakers_list))
    if inscription.status not in (InscriptionStatus.INSCRIBED, InscriptionStatus.SPEAKING):
        raise ValidationError(
            _("A withdrawn or spoken inscription cannot be marked spoken."), code="not_waiting"
        )
    _set_status(
        inscription,
        InscriptionStatus.SPOKEN,
        spoke_at=inscription.spoke_at or now or timezone.now(),
    )
    return inscription


@transaction.atomic
def inscription_withdraw(*, inscription):
    speakers_list = _locked_list(inscription.speakers_list_id)
    inscription = _reload(inscription, _locked_inscriptions(speakers_list))
    if inscription.status != InscriptionStatus.INSCRIBED:
        raise ValidationError(
            _("Only a waiting inscription can be withdrawn."), code="not_waiting"
        )
    _set_status(inscription, InscriptionStatus.WITHDRAWN, position=None)
    return inscription


@transaction.atomic
def inscription_withdraw_by_focal_point(*, inscription, delegation):
    """A focal point withdraws one of its delegation's waiting inscriptions through its
    private link: refused when the delegation may not act on the lists any more
    (``inscription_refusal``) or the inscription is another delegation's."""
    refusal = inscription_refusal(delegation)
    if refusal:
        raise ValidationError(refusal, code="inscription_refused")
    if inscription.delegation_id != delegation.pk:
        raise ValidationError(
            _("This inscription is not your delegation's."), code="not_own_inscription"
        )
    return inscription_withdraw(inscription=inscription)


# --- Seating by lot ------------------------------------------------------------------------


def seating_candidates(meeting):
    """The delegations whose names go into the draw, in English alphabetical order.

    Those taking part (not declined or withdrawn), less the presiding officers, who sit at
    the head of the table whatever the draw, and less the convener's own organization.
    """
    delegations = (
        Delegation.objects.filter(meeting=meeting)
        .active()
        .filter(organization__presiding_order__isnull=True)
        .select_related("organization")
        .order_by("organization__sort_name", "organization__name", "pk")
    )
    convener = meeting.convener
    if convener is not None:
        delegations = delegations.exclude(organization_id=convener.organization_id)
    return list(delegations)


def seating_draw_pick(seed, candidates):
    """The candidate drawn with ``seed``: the same seed over the same names gives the same one."""
    return random.Random(seed).choice(candidates)


@transaction.atomic
def seating_draw(*, meeting, table_shape=SeatingDraw.TableShape.HORSESHOE, by=None, seed=None):
    """Draw by lot the name that starts the seating, and record the draw with its seed.

    Earlier draws are kept; the new one is in force. ``seed`` is for tests and for
    re-running a draw made elsewhere; left out, a fresh random one is drawn.
    """
    candidates = seating_candidates(meeting)
    if not candidates:
        raise ValidationError(
            _("No delegation takes part in %(meeting)s: there is no name to draw."),
            code="nothing_to_draw",
            params={"meeting": meeting},
        )
    if seed is None:
        seed = secrets.randbits(62)
    drawn = seating_draw_pick(seed, candidates)
    draw = SeatingDraw(
        meeting=meeting,
        seed=seed,
        starting_organization=drawn.organization,
        candidates=len(candidates),
        table_shape=table_shape,
        drawn_by=by,
    )
    draw.full_clean()
    draw.save()
    return draw
