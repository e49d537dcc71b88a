"""Writes of the agenda app: checking delegates in at the registration desk."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from delegations.models import Delegation, Meeting, Participant

from . import documents
from .models import Attendance, ParticipantListVersion, Session


def _check_can_attend(*, session, participant):
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
    if participant.delegation.status in (Delegation.Status.DECLINED, Delegation.Status.WITHDRAWN):
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
    _check_can_attend(session=session, participant=participant)
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
