"""What make bench loads: every public page and feed of the current (generated) meeting,
the desk's search, and the printed documents of 5,000 participants."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from agenda.models import Session
from delegations.groups import REGISTRATION_DESK
from delegations.models import Meeting, Participant


def public_pages():
    meeting = Meeting.objects.current()
    session = Session.objects.filter(meeting=meeting).order_by("starts_at", "pk").first()
    return [
        ("home", reverse("agenda:home")),
        ("programme", reverse("agenda:programme")),
        ("programme ?item=1", reverse("agenda:programme") + "?item=1"),
        ("day", reverse("agenda:day", args=[meeting.start_date])),
        ("session", reverse("agenda:session", args=[session.pk])),
        ("session.ics", reverse("agenda:session_ics", args=[session.pk])),
        ("agenda.ics", reverse("agenda:programme_ics")),
        ("agenda.json", reverse("agenda:programme_json")),
        ("participants", reverse("agenda:participants")),
        ("background", reverse("agenda:background")),
    ]


def desk_user():
    """Who searches at the desk: a member of the Registration desk group, not a
    superuser, whose permissions Django grants without reading them."""
    user, _created = get_user_model().objects.update_or_create(
        username="bench-desk", defaults={"is_superuser": False, "is_staff": False}
    )
    user.groups.add(Group.objects.get(name=REGISTRATION_DESK))
    return user


def desk_searches():
    """The desk's first page (a session chosen, nothing searched yet), and ten searches a
    desk types: part of a family name, a whole name, a name without its accents, names in
    Cyrillic, Arabic and Chinese, an organization's word and acronym, a badge number, and
    two words at once. Returns (label, desk URL, its parameters)."""
    meeting = Meeting.objects.current()
    session = Session.objects.for_desk(meeting).first()
    someone = Participant.objects.expected(meeting).select_related("delegation__organization")
    first = someone.first()
    queries = [
        ("first page", ""),
        ("prefix", "Nak"),
        ("family name", "Okonkwo"),
        ("folded accents", "hoynck"),
        ("Cyrillic", "Иванова"),
        ("Arabic", "محمد"),
        ("Chinese", "王"),
        ("organization word", "Baltic"),
        ("acronym", first.delegation.organization.acronym),
        ("badge number", first.badge_number),
        ("two words", "Amina Dubois"),
    ]
    base = reverse("desk:index")
    return [(label, base, {"session": session.pk, "q": q}) for label, q in queries]


def desk_actions(count):
    """What a desk does besides searching, ``count`` times each: the counts poll, a
    check-in (asked for as JSON, as the desk's page asks) and its undo, each of someone
    not yet checked in to the first session. Returns (label, method, URL, parameters)."""
    meeting = Meeting.objects.current()
    session = Session.objects.for_desk(meeting).first()
    people = (
        Participant.objects.expected(meeting)
        .exclude(attendances__session=session)
        .values_list("pk", flat=True)[:count]
    )
    counts = [("counts poll", "get", reverse("desk:counts"), {"session": session.pk})] * count
    check_ins = [
        (label, "post", reverse(f"desk:{view}"), {"session": session.pk, "participant": pk})
        for pk in people
        for label, view in (("check-in", "check_in"), ("undo", "undo"))
    ]
    return counts + check_ins


def documents():
    """(name, function producing the PDF bytes) for the printed documents that the
    benchmark times at 5,000 participants, laid out synchronously as the desk's
    background job does."""
    from agenda import documents as docs
    from agenda import rendering

    meeting = Meeting.objects.current()
    session = Session.objects.for_desk(meeting).first()
    builders = {
        "list of participants": lambda: docs.ParticipantsList(meeting),
        "sign-in sheet": lambda: docs.SignInSheet(meeting, session=session),
        "badges": lambda: docs.Badges(meeting),
        "attendance record": lambda: docs.AttendanceRecord(meeting),
    }
    return [
        (name, lambda build=build: rendering.render_pdf(build()))
        for name, build in builders.items()
    ]
