"""What make bench loads: every public page and feed of the current (generated) meeting,
and the printable documents of 5,000 participants."""

from django.urls import reverse

from agenda.models import Session
from delegations.models import Meeting


def public_pages():
    meeting = Meeting.objects.current()
    session = Session.objects.filter(meeting=meeting).order_by("starts_at", "pk").first()
    return [
        ("home", reverse("agenda:home")),
        ("programme", reverse("agenda:programme")),
        ("day", reverse("agenda:day", args=[meeting.start_date])),
        ("session", reverse("agenda:session", args=[session.pk])),
        ("session.ics", reverse("agenda:session_ics", args=[session.pk])),
        ("agenda.ics", reverse("agenda:programme_ics")),
        ("agenda.json", reverse("agenda:programme_json")),
        ("participants", reverse("agenda:participants")),
        ("background", reverse("agenda:background")),
    ]


def documents():
    """(name, format, function producing the bytes) for the printable documents that the
    benchmark times; the PDFs are laid out synchronously, as the background job does."""
    from agenda import documents as docs
    from agenda import rendering

    meeting = Meeting.objects.current()
    session = Session.objects.for_desk(meeting).first()
    builders = {
        "list of participants": lambda: docs.ParticipantsList(meeting),
        "sign-in sheet": lambda: docs.SignInSheet(meeting, session=session),
    }
    return [
        (name, fmt, lambda build=build, render=render: render(build()))
        for name, build in builders.items()
        for fmt, render in (
            ("html", lambda d: rendering.render_html(d).encode()),
            ("csv", rendering.render_csv),
            ("pdf", rendering.render_pdf),
        )
    ]
