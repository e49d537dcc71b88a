"""Writes of the agenda app: checking delegates in at the registration desk."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from delegations.models import Delegation, Participant

from .models import Attendance, Session


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
