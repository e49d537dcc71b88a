"""Writes to the register of delegations: invitations, registration, decline, accreditation.

Every function takes keyword arguments only, runs in one transaction and validates
with ``full_clean()`` before saving. ``by`` is the staff user making the change (None
for a focal point using a private link); simple-history records it, with the time and
the previous values, on every row it saves.
"""

import secrets
from dataclasses import dataclass

from celery.exceptions import Retry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from meetingsite.dates import format_date_time, format_long_date

from . import tasks
from .models import (
    Credentials,
    Delegation,
    Meeting,
    Official,
    Participant,
    fold,
    roster_errors,
    token_digest,
)

Status = Delegation.Status

# Which status a delegation may move to from which. "registered → registered" is an
# edit by the focal point; an accredited delegation whose registration changes goes
# back to "registered" until the secretariat accredits it again.
TRANSITIONS = {
    Status.INVITED: {Status.REGISTERED, Status.DECLINED, Status.WITHDRAWN},
    Status.REGISTERED: {Status.REGISTERED, Status.ACCREDITED, Status.DECLINED, Status.WITHDRAWN},
    Status.ACCREDITED: {Status.REGISTERED, Status.ACCREDITED, Status.DECLINED, Status.WITHDRAWN},
    Status.DECLINED: {Status.REGISTERED, Status.INVITED, Status.WITHDRAWN},
    Status.WITHDRAWN: {Status.INVITED},
}

CHANGE_REASON_LENGTH = 100  # simple-history's history_change_reason column


def delegation_lock(*, pk):
    """The delegation, re-read with its row locked until the current transaction ends.

    Every write that counts a delegation's seats or compares its version goes through
    here first. On PostgreSQL ``SELECT … FOR UPDATE`` takes a row lock, so concurrent
    requests for the same delegation queue at this line and each one counts the
    participants only after the previous one has committed: the last seat cannot be
    given twice. A database constraint cannot do this (it would have to count rows).
    SQLite has no row locks and Django drops FOR UPDATE there, but SQLite lets one
    transaction write at a time: a second writer that counted before the first
    committed waits and then fails with "database is locked" rather than writing on a
    stale count (SQLite serves development and the demo; production runs PostgreSQL).
    The version is also raised with a compare-and-set UPDATE (``_bump_version``), which
    catches a stale edit on both databases. Must be called inside ``transaction.atomic()``.
    """
    return (
        Delegation.objects.select_for_update().select_related("meeting", "organization").get(pk=pk)
    )


def delegations_lock(*, pks):
    """Lock the delegations of ``pks`` that exist, in key order (so that two requests locking
    the same ones cannot deadlock); ids that are not numbers or not there are passed over.
    Must be called inside ``transaction.atomic()``."""
    keys = sorted(
        {int(pk) for pk in pks if str(pk).isascii() and str(pk).isdigit() and 0 < int(pk) < 2**63}
    )
    list(Delegation.objects.select_for_update().filter(pk__in=keys).order_by("pk"))


def _bump_version(delegation, *, expected):
    """Raise the version from ``expected``, or fail if someone else changed it first."""
    updated = Delegation.objects.filter(pk=delegation.pk, version=expected).update(
        version=F("version") + 1
    )
    if updated != 1:
        raise ValidationError(_changed_meanwhile_message(), code="changed_meanwhile")
    delegation.version = expected + 1


def _changed_meanwhile_message():
    return _(
        "This registration was changed by someone else while you were editing it. "
        "Nothing you entered has been saved; the page now shows the current registration "
        "below your entries — check it and submit again."
    )


def _record(obj, *, by=None, reason=""):
    """Tell simple-history who made the next save of ``obj`` and why."""
    if by is not None:
        obj._history_user = by
    if reason:
        obj._change_reason = reason[:CHANGE_REASON_LENGTH]


def _move(delegation, to):
    if to not in TRANSITIONS[delegation.status]:
        raise ValidationError(
            _("A delegation cannot go from “%(from)s” to “%(to)s”.")
            % {"from": delegation.get_status_display(), "to": Status(to).label},
            code="invalid_transition",
        )
    delegation.status = to


def registration_refusal(delegation):
    """Why the focal point may not change this registration now, or "" if they may."""
    if not delegation.link_active:
        return _("This registration link has been withdrawn by the secretariat.")
    if delegation.status == Status.WITHDRAWN:
        return _("The secretariat has withdrawn this delegation from the meeting.")
    if delegation.meeting.is_over:
        return meeting_over_message(delegation.meeting)
    if delegation.meeting.registration_closed:
        return _("Registration closed on %(deadline)s.") % {
            "deadline": deadline_display(delegation.meeting)
        }
    return ""


def meeting_over_message(meeting):
    """What a focal point reads once the meeting is over: what no longer works, what does."""
    return _(
        "The meeting ended on %(date)s; the registration can no longer be changed. "
        "Your credentials can still be sent."
    ) % {"date": format_long_date(meeting.end_date, weekday=False)}


def deadline_display(meeting):
    """The registration deadline in the meeting's own time zone, zone named."""
    local = timezone.localtime(meeting.registration_deadline, meeting.tz)
    return f"{format_date_time(local)} ({meeting.local_time_name})"


def _refuse_if_closed(delegation):
    reason = registration_refusal(delegation)
    if reason:
        raise ValidationError(reason, code="registration_closed")


# --- invitations ---------------------------------------------------------------------


def link_issue(*, delegation, by=None):
    """Give the delegation a new private registration link; the old one stops working.

    Returns the token. Only its digest is stored, so the token exists in the e-mail
    and nowhere else; resending an invitation therefore issues a new link.
    """
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        locked = delegation_lock(pk=delegation.pk)
        _bump_version(locked, expected=locked.version)
        locked.token_digest = token_digest(token)
        locked.link_issued_at = timezone.now()
        locked.link_revoked_at = None
        locked.full_clean()
        _record(locked, by=by, reason=_("Registration link issued"))
        locked.save()
    _refresh(delegation, locked)
    return token


def link_revoke(*, delegation, by=None):
    """Stop the delegation's registration link from working. Returns False if it had none."""
    with transaction.atomic():
        locked = delegation_lock(pk=delegation.pk)
        if not locked.link_active:
            return False
        _bump_version(locked, expected=locked.version)
        locked.link_revoked_at = timezone.now()
        _record(locked, by=by, reason=_("Registration link revoked"))
        locked.save()
    _refresh(delegation, locked)
    return True


def delegation_invite(*, meeting, organization, by=None):
    """Invite an organization: its delegation (created if needed) and a new link.

    A delegation that declined or was withdrawn is invited again. Returns
    ``(delegation, token)``.
    """
    with transaction.atomic():
        delegation, created = Delegation.objects.get_or_create(
            meeting=meeting,
            organization=organization,
            defaults={"status": Status.INVITED},
        )
        if created:
            delegation.full_clean()
        elif not delegation.is_active:
            locked = delegation_lock(pk=delegation.pk)
            _bump_version(locked, expected=locked.version)
            _move(locked, Status.INVITED)
            _record(locked, by=by, reason=_("Invited again"))
            locked.save()
            delegation = locked
        token = link_issue(delegation=delegation, by=by)
    return delegation, token


def invitation_recipient(delegation):
    """The address an invitation goes to: the focal point, else the organization's
    first official with an e-mail address. "" when there is none."""
    if delegation.focal_point_email:
        return delegation.focal_point_email
    official = (
        delegation.organization.officials.exclude(email="").order_by("pk").only("email").first()
    )
    return official.email if official else ""


def invitation_send(*, delegation, token, registration_url, by=None):
    """E-mail the invitation with its private link. Returns the address, or "" if none.

    Queued (``_send``): the delegation records it as sent (``invitation_sent``) once the
    mail server has taken it."""
    recipient = invitation_recipient(delegation)
    if not recipient:
        return ""
    context = {
        "delegation": delegation,
        "meeting": delegation.meeting,
        "organization": delegation.organization,
        "registration_url": registration_url,
    }
    _send(
        template="invitation",
        context=context,
        to=recipient,
        invitation={"delegation": delegation.pk, "by": by.pk if by is not None else None},
    )
    return recipient


def invitation_sent(*, delegation_pk, to, by_pk=None):
    """Record that the invitation went out (its task calls this once the server took it)."""
    by = get_user_model().objects.filter(pk=by_pk).first() if by_pk is not None else None
    with transaction.atomic():
        locked = delegation_lock(pk=delegation_pk)
        locked.invitation_sent_at = timezone.now()
        _record(locked, by=by, reason=_("Invitation e-mailed to %(to)s") % {"to": to})
        locked.save(update_fields=["invitation_sent_at"])


def email_message(*, template, context, to):
    """The e-mail ``template`` in the active language, as the send_email task takes it."""
    context = {**context, "LANGUAGE_CODE": get_language()}
    subject = render_to_string(f"delegations/emails/{template}_subject.txt", context)
    return {
        "subject": " ".join(subject.split()),
        "body": render_to_string(f"delegations/emails/{template}.txt", context),
        "html": render_to_string(f"delegations/emails/{template}.html", context),
        "from_email": settings.DEFAULT_FROM_EMAIL,
        "to": [to],
    }


def _send(*, template, context, to, invitation=None):
    """Queue the e-mail once the current transaction commits (at once outside one); a
    worker sends it, trying again while the mail server cannot be reached
    (delegations/tasks.py). Without a broker it is sent here and now, and a failure is
    raised here, as the admin expects to report it."""
    message = email_message(template=template, context=context, to=to)
    transaction.on_commit(lambda: _queue_email(message, invitation))


def _queue_email(message, invitation):
    try:
        tasks.send_email.delay(message, invitation=invitation)
    except Retry as retry:
        # No broker: the task ran here and failed in a way a worker would try again
        # later. There is no later here, so the caller hears of the failure now.
        raise retry.exc from None


def _refresh(target, source):
    for field in (
        "status",
        "version",
        "token_digest",
        "link_issued_at",
        "link_revoked_at",
        "registered_at",
    ):
        setattr(target, field, getattr(source, field))


# --- the focal point's registration ------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One participant as the focal point lists them.

    ``official`` is an existing official of the organization, or None for a new person;
    for an existing official, empty name fields keep what the register holds.
    """

    official: Official | None
    family_name: str = ""
    given_name: str = ""
    honorific: str = ""
    position: str = ""
    email: str = ""
    role: str = Participant.Role.ADVISER
    representing: str = ""
    special_requirements: str = ""


DETAIL_FIELDS = ("focal_point_name", "focal_point_email", "focal_point_phone", "representing")
OFFICIAL_FIELDS = ("honorific", "given_name", "family_name", "position", "email")
PARTICIPANT_FIELDS = ("role", "representing", "special_requirements")


def registration_save(*, delegation, details, entries, version, reason=""):
    """Save the focal point's registration as one whole, or nothing at all.

    ``details`` holds the delegation's fields (focal point, "representing"); ``entries``
    the participants as listed; ``version`` the delegation's version when the form was
    shown. Participants left off the list are cancelled, not deleted, so the history
    and badge numbers stay. Raises ValidationError (nothing saved) when the link is
    closed, someone changed the registration meanwhile, or a rule is broken.
    """
    with transaction.atomic():
        locked = delegation_lock(pk=delegation.pk)
        _refuse_if_closed(locked)
        if locked.version != version:
            raise ValidationError(_changed_meanwhile_message(), code="changed_meanwhile")
        _check_entries(locked, entries)
        reason = reason or _("Registration form")

        changed = False
        for field in DETAIL_FIELDS:
            if field in details and getattr(locked, field) != details[field]:
                setattr(locked, field, details[field])
                changed = True

        officials = {o.pk: o for o in Official.objects.filter(organization=locked.organization)}
        by_name = {fold(o.name): o for o in officials.values()}
        current = {
            p.official_id: p for p in Participant.objects.filter(delegation=locked).order_by("pk")
        }
        resolved = []
        for entry in entries:
            official = officials.get(entry.official.pk) if entry.official else None
            if entry.official and official is None:
                raise ValidationError(
                    _("%(name)s is not an official of %(organization)s.")
                    % {"name": entry.official, "organization": locked.organization},
                    code="wrong_organization",
                )
            renamed = official is not None and entry.family_name
            if renamed and fold(entry.family_name) != fold(official.family_name):
                raise ValidationError(
                    _("%(name)s cannot be renamed to %(family)s here.")
                    % {"name": official.name, "family": entry.family_name},
                    code="name_mismatch",
                )
            if official is None:
                official = by_name.get(fold(f"{entry.given_name} {entry.family_name}"))
            if official is None:
                official = Official(organization=locked.organization)
            if _apply(official, entry, OFFICIAL_FIELDS, keep_blank=official.pk is not None):
                official.full_clean()
                _record(official, reason=reason)
                official.save()
                changed = True
            resolved.append((official, entry))

        listed = {official.pk for official, _entry in resolved}
        # Cancel first, then save the other roles, then the head, so that the database's
        # "one head per delegation" constraint holds after every single statement.
        for participant in current.values():
            if participant.official_id not in listed and (
                participant.status != Participant.Status.CANCELLED
            ):
                participant.status = Participant.Status.CANCELLED
                _record(participant, reason=reason)
                participant.save()
                changed = True
        resolved.sort(key=lambda pair: pair[1].role == Participant.Role.HEAD)
        for official, entry in resolved:
            participant = current.get(official.pk) or Participant(
                delegation=locked, official=official
            )
            touched = _apply(participant, entry, PARTICIPANT_FIELDS, keep_blank=False)
            if participant.status == Participant.Status.CANCELLED or (
                touched and participant.status == Participant.Status.ACCREDITED
            ):
                # A returning or changed participant needs the secretariat's look again.
                participant.status = Participant.Status.NOMINATED
                touched = True
            if touched or participant.pk is None:
                participant.full_clean()
                _record(participant, reason=reason)
                participant.save()
                changed = True

        if changed or locked.status != Status.ACCREDITED:
            _move(locked, Status.REGISTERED)
        _bump_version(locked, expected=version)
        locked.registered_at = timezone.now()
        locked.full_clean()
        _record(locked, reason=reason)
        locked.save()
    _refresh(delegation, locked)
    return locked


def _apply(obj, entry, fields, *, keep_blank):
    """Copy ``fields`` from the entry onto ``obj``; True if anything changed."""
    changed = False
    for field in fields:
        value = getattr(entry, field)
        if keep_blank and not value:
            continue
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed = True
    return changed


def _check_entries(delegation, entries):
    """The rules over the whole list, checked again here whatever the form did."""
    errors = roster_errors(seats=delegation.seats, roles=[entry.role for entry in entries])
    if not entries:
        errors.append(
            ValidationError(_("Mark one participant as head of delegation."), code="one_head")
        )
    if errors:
        raise errors[0]
    people = [
        entry.official.pk if entry.official else fold(f"{entry.given_name} {entry.family_name}")
        for entry in entries
    ]
    if len(set(people)) != len(people):
        raise ValidationError(_("The same person is listed twice."), code="listed_twice")


def registration_confirm_send(*, delegation, registration_url):
    """E-mail the focal point what is now registered. Returns the address, or ""."""
    if not delegation.focal_point_email:
        return ""
    participants = list(Participant.objects.filter(delegation=delegation).listed())
    for participant in participants:
        # One line in the plain-text e-mail, whatever line breaks were typed.
        participant.requirements_line = "; ".join(
            line.strip() for line in participant.special_requirements.splitlines() if line.strip()
        )
    context = {
        "delegation": delegation,
        "meeting": delegation.meeting,
        "organization": delegation.organization,
        "participants": participants,
        "registration_url": registration_url,
    }
    _send(template="confirmation", context=context, to=delegation.focal_point_email)
    return delegation.focal_point_email


def delegation_decline(*, delegation, version, reason=""):
    """The focal point declines the invitation; listed participants are cancelled."""
    with transaction.atomic():
        locked = delegation_lock(pk=delegation.pk)
        _refuse_if_closed(locked)
        if locked.version != version:
            raise ValidationError(_changed_meanwhile_message(), code="changed_meanwhile")
        reason = reason or _("Declined through the registration link")
        _move(locked, Status.DECLINED)
        _cancel_participants(locked, reason=reason)
        _bump_version(locked, expected=version)
        _record(locked, reason=reason)
        locked.save()
    _refresh(delegation, locked)
    return locked


def _cancel_participants(delegation, *, by=None, reason):
    for participant in Participant.objects.filter(delegation=delegation).exclude(
        status=Participant.Status.CANCELLED
    ):
        participant.status = Participant.Status.CANCELLED
        _record(participant, by=by, reason=reason)
        participant.save()


# --- the secretariat ---------------------------------------------------------------------


def delegation_accredit(*, delegation, by=None):
    """Accredit a registered delegation and every participant it nominated.

    Participants get a badge number if they have none. Raises ValidationError for a
    delegation that is not registered.
    """
    with transaction.atomic():
        locked = delegation_lock(pk=delegation.pk)
        if locked.status not in (Status.REGISTERED, Status.ACCREDITED):
            raise ValidationError(
                _("%(delegation)s is %(status)s, not registered; it cannot be accredited.")
                % {"delegation": locked.organization, "status": locked.get_status_display()},
                code="not_registered",
            )
        reason = _("Accredited")
        for participant in Participant.objects.filter(
            delegation=locked, status=Participant.Status.NOMINATED
        ):
            _accredit_participant(participant, meeting_id=locked.meeting_id, by=by)
        _move(locked, Status.ACCREDITED)
        _bump_version(locked, expected=locked.version)
        _record(locked, by=by, reason=reason)
        locked.save()
    _refresh(delegation, locked)
    return locked


def _accredit_participant(participant, *, meeting_id, by):
    participant.status = Participant.Status.ACCREDITED
    if not participant.badge_number:
        # The primary key makes it unique across meetings; the meeting makes it readable.
        participant.badge_number = f"{meeting_id:02d}-{participant.pk:05d}"
    participant.full_clean()
    _record(participant, by=by, reason=_("Accredited"))
    participant.save()


def participant_accredit(*, participant, by=None):
    """Accredit one nominated participant of a registered or accredited delegation."""
    with transaction.atomic():
        delegation = delegation_lock(pk=participant.delegation_id)
        participant = Participant.objects.select_related("official").get(pk=participant.pk)
        if participant.status != Participant.Status.NOMINATED:
            raise ValidationError(
                _("%(name)s is %(status)s, not nominated.")
                % {"name": participant.official, "status": participant.get_status_display()},
                code="not_nominated",
            )
        if delegation.status not in (Status.REGISTERED, Status.ACCREDITED):
            raise ValidationError(
                _("%(name)s’s delegation is %(status)s.")
                % {"name": participant.official, "status": delegation.get_status_display()},
                code="not_registered",
            )
        _accredit_participant(participant, meeting_id=delegation.meeting_id, by=by)
        _bump_version(delegation, expected=delegation.version)
    return participant


def delegation_save(*, delegation, by=None):
    """The secretariat's edit of a delegation's own fields, as the admin saves it.

    A secretariat edit is a change too: the version is raised, so a focal point with the
    form open gets "changed meanwhile" instead of overwriting it.
    """
    with transaction.atomic():
        if delegation.pk is not None:
            locked = delegation_lock(pk=delegation.pk)
            delegation.version = locked.version + 1
        delegation.full_clean()
        _record(delegation, by=by)
        delegation.save()
    return delegation


def participant_save(*, participant, by=None):
    """The secretariat adds or edits one participant: the seat count runs under the
    delegation's row lock, and the delegation's version is raised."""
    with transaction.atomic():
        delegation = delegation_lock(pk=participant.delegation_id)
        participant.full_clean()
        _record(participant, by=by)
        participant.save()
        _bump_version(delegation, expected=delegation.version)
    return participant


def participant_cancel(*, participant, by=None):
    """Cancel one participant (frees the seat; the row and its history stay)."""
    with transaction.atomic():
        delegation = delegation_lock(pk=participant.delegation_id)
        participant = Participant.objects.get(pk=participant.pk)
        if participant.status == Participant.Status.CANCELLED:
            return participant
        participant.status = Participant.Status.CANCELLED
        _record(participant, by=by, reason=_("Cancelled by the secretariat"))
        participant.save()
        _bump_version(delegation, expected=delegation.version)
    return participant


def delegation_withdraw(*, delegation, by=None):
    """The secretariat withdraws a delegation; its participants are cancelled."""
    with transaction.atomic():
        locked = delegation_lock(pk=delegation.pk)
        reason = _("Withdrawn by the secretariat")
        _move(locked, Status.WITHDRAWN)
        _cancel_participants(locked, by=by, reason=reason)
        _bump_version(locked, expected=locked.version)
        _record(locked, by=by, reason=reason)
        locked.save()
    _refresh(delegation, locked)
    return locked


def credentials_upload(*, delegation, upload, content_type, by=None, now=None):
    """Store ``upload`` as the delegation's credentials, replacing any earlier file.

    A new file must be checked again: it is received today and no longer verified. The new
    file is written in the transaction (with the database store); the old one is removed
    once the transaction commits, so a failure keeps it and a success leaves no orphan.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = delegation_lock(pk=delegation.pk)
        credentials = Credentials.objects.filter(delegation=locked).first()
        old_name = credentials.file.name if credentials is not None else ""
        if credentials is None:
            credentials = Credentials(delegation=locked)
        credentials.original_name = (upload.name or "")[-200:]
        credentials.content_type = content_type
        credentials.size = upload.size
        credentials.received = timezone.localdate(now, locked.meeting.tz)
        credentials.uploaded_at = now
        credentials.verified = False
        credentials.verified_at = None
        credentials.verified_by = None
        credentials.file.save(upload.name or "credentials", upload, save=False)
        new_name = credentials.file.name
        try:
            credentials.full_clean()
            _record(credentials, by=by, reason=_("Credentials uploaded"))
            credentials.save()
        except Exception:
            # A transactional store (the database) drops the file with the rollback; on
            # another store (a bucket, a directory) it must go by hand.
            if not getattr(credentials.file.storage, "transactional", False):
                credentials.file.storage.delete(new_name)
            raise
        if old_name and old_name != new_name:
            storage = credentials.file.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return credentials


def credentials_verify(*, credentials, by, now=None):
    """The secretariat has checked the credentials: verified, when and by whom."""
    with transaction.atomic():
        credentials = Credentials.objects.select_for_update().get(pk=credentials.pk)
        if credentials.verified:
            return credentials, False
        credentials.verified = True
        credentials.verified_at = now or timezone.now()
        credentials.verified_by = by
        credentials.full_clean()
        _record(credentials, by=by, reason=_("Credentials verified"))
        credentials.save()
    return credentials, True


# --- meetings ----------------------------------------------------------------------------


def meeting_make_current(*, meeting, by=None):
    """Make ``meeting`` the one the site serves at its bare URLs and the desk works on.

    In one transaction: every other current meeting stops being current, and this one
    becomes current and is published if it was not (a current meeting nobody can see would
    leave the public site showing only the list of meetings). Each row is saved, not
    updated in bulk, so that the history records who changed it. Returns the meeting.
    """
    with transaction.atomic():
        others = Meeting.objects.select_for_update().filter(is_current=True).exclude(pk=meeting.pk)
        for other in others.order_by("pk"):
            other.is_current = False
            _record(other, by=by, reason=_("Another meeting was made current"))
            other.save()
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        locked.is_current = True
        locked.is_published = True
        locked.full_clean()
        _record(locked, by=by, reason=_("Made the current meeting"))
        locked.save()
    meeting.is_current, meeting.is_published = locked.is_current, locked.is_published
    return meeting
