"""Who may see what: every URL of the project against every kind of visitor.

MATRIX names every URL of the project (outside the admin, which ADMIN covers model by
model); a URL added without a row here fails ``test_every_url_is_in_the_matrix``. Each
row gives the expected status for each visitor; "login" means a redirect to the login
page that guards the URL.
"""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from agenda import services as agenda_services
from agenda.models import Session
from agenda.seed import seed_meeting
from agenda.services import participants_version_issue
from delegations import services
from delegations.groups import SECRETARIAT
from delegations.models import Delegation, Official
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VISITORS = ["anonymous", "desk", "secretariat", "superuser"]
PUBLIC = dict.fromkeys(VISITORS, 200)
DESK_ONLY = {"anonymous": "login", "desk": 200, "secretariat": 200, "superuser": 200}
POST_ONLY_DESK = {"anonymous": "login", "desk": 405, "secretariat": 405, "superuser": 405}
# A user without the desk right gets 403; see test_a_user_without_the_desk_right_is_refused.

# URL name → (arguments, expected status per visitor). Registration pages answer by token
# alone, whoever asks; REGISTRATION below covers them per kind of token.
MATRIX = {
    "healthz": ([], PUBLIC),
    "switch_language": ([], dict.fromkeys(VISITORS, 302)),
    "agenda:home": ([], PUBLIC),
    "agenda:programme": ([], PUBLIC),
    "agenda:day": (["day"], PUBLIC),
    "agenda:session": (["session"], PUBLIC),
    "agenda:session_ics": (["session"], PUBLIC),
    "agenda:programme_ics": ([], PUBLIC),
    "agenda:programme_json": ([], PUBLIC),
    "agenda:participants": ([], PUBLIC),
    "agenda:background": ([], PUBLIC),
    "agenda:meetings": ([], PUBLIC),
    "agenda:meeting_home": (["slug"], PUBLIC),
    "agenda:meeting_programme": (["slug"], PUBLIC),
    "agenda:meeting_day": (["slug", "day"], PUBLIC),
    "agenda:meeting_session": (["slug", "session"], PUBLIC),
    "agenda:meeting_session_ics": (["slug", "session"], PUBLIC),
    "agenda:meeting_programme_ics": (["slug"], PUBLIC),
    "agenda:meeting_programme_json": (["slug"], PUBLIC),
    "agenda:meeting_participants": (["slug"], PUBLIC),
    "agenda:meeting_background": (["slug"], PUBLIC),
    "agenda:speakers": (["item"], PUBLIC),
    "agenda:meeting_speakers": (["slug", "item"], PUBLIC),
    "desk:index": ([], DESK_ONLY),
    "desk:login": ([], PUBLIC),
    "desk:logout": ([], dict.fromkeys(VISITORS, 405)),  # logging out takes a POST
    "desk:check_in": ([], POST_ONLY_DESK),
    "desk:undo": ([], POST_ONLY_DESK),
    "desk:counts": (["?session"], DESK_ONLY),
    "desk:documents": ([], DESK_ONLY),
    "desk:sign_in_session": (["session"], DESK_ONLY),
    "desk:sign_in_day": (["day"], DESK_ONLY),
    "desk:participants": ([], DESK_ONLY),
    "desk:participant_versions": ([], DESK_ONLY),
    "desk:participant_version_issue": ([], POST_ONLY_DESK),
    "desk:participant_version": (["version"], DESK_ONLY),
    "desk:participant_version_changes": (["version"], DESK_ONLY),
    "desk:attendance": ([], DESK_ONLY),
    "desk:attendance_session": (["session"], DESK_ONLY),
    "desk:credentials": ([], DESK_ONLY),
    # Credentials files: the secretariat only, never the desk.
    "desk:credentials_file": (
        ["credentials"],
        {"anonymous": "login", "desk": 403, "secretariat": 200, "superuser": 200},
    ),
    "desk:badges": ([], DESK_ONLY),
    "desk:speakers": (["item"], DESK_ONLY),
    "desk:seating": ([], DESK_ONLY),
    "desk:name_plates": ([], DESK_ONLY),
    "registration:register": (["token"], None),
    "registration:done": (["token"], None),
    "registration:decline": (["token"], None),
    "speakers:focal_point": (["token"], None),
    # POST only, by token and inscription: tests/agenda/test_speakers.py refuses another
    # delegation's inscription, GET, unknown and revoked links.
    "speakers:focal_point_withdraw": (["token", "inscription"], None),
    "registration:credentials": (["token"], None),
    "registration:credentials_file": (["token"], None),
}

# Kind of token → expected status of each private-link page, for any visitor.
PRIVATE_LINK_PAGES = [
    "registration:register",
    "registration:done",
    "registration:decline",
    "registration:credentials",
    "registration:credentials_file",
    "speakers:focal_point",
]
REGISTRATION = {
    "own": dict.fromkeys(PRIVATE_LINK_PAGES, 200),
    "revoked": dict.fromkeys(PRIVATE_LINK_PAGES, 410),
    "unknown": dict.fromkeys(PRIVATE_LINK_PAGES, 404),
}

# Registered admin models → status of their changelist for each visitor. The secretariat
# manages the register and the programme, sees sign-in attempts and locks, and manages
# registration desk accounts; only superusers manage user accounts and groups.
ADMIN_STAFF = {"anonymous": "login", "desk": "login", "secretariat": 200, "superuser": 200}
ADMIN_USERS = {"anonymous": "login", "desk": "login", "secretariat": 403, "superuser": 200}
ADMIN = {
    "auth.user": ADMIN_USERS,
    "auth.group": ADMIN_USERS,
    "meetingsite.deskaccount": ADMIN_STAFF,
    "axes.accessattempt": ADMIN_STAFF,
    "axes.accessfailurelog": ADMIN_STAFF,
    "axes.accesslog": ADMIN_STAFF,
}


def admin_expectation(label):
    if label.split(".")[0] in {"delegations", "agenda"}:
        return ADMIN_STAFF
    return ADMIN[label]


def project_url_names(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from project_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_in_the_matrix():
    assert set(project_url_names()) == set(MATRIX)


def test_every_admin_model_is_in_the_matrix():
    for model in admin.site._registry:
        assert admin_expectation(model._meta.label_lower)


@pytest.fixture
def world(settings, tmp_path, desk_user):
    settings.MEDIA_ROOT = tmp_path / "media"
    meeting, _ = seed_meeting()
    for official in Official.objects.all():
        official.email = f"official{official.pk}@private.example"
        official.phone = f"+1 212 555 {official.pk:04d}"
        official.save()
    delegations = list(Delegation.objects.filter(meeting=meeting)[:2])
    own = services.link_issue(delegation=delegations[0])
    revoked = services.link_issue(delegation=delegations[1])
    services.link_revoke(delegation=delegations[1])
    # Speakers on item 1, named, so that pages showing the list have names to leak.
    item = meeting.agenda_items.get(number=1)
    for delegation in delegations:
        head = delegation.participants.filter(role="head").first()
        agenda_services.inscription_add(agenda_item=item, delegation=delegation, speaker=head)
    desk = desk_user
    secretary = UserFactory(username="secretary", is_staff=True)
    secretary.groups.add(Group.objects.get(name=SECRETARIAT))
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    participants_version_issue(
        meeting=meeting, kind="provisional", user=secretary, base_symbol="UN-RO/1996/INF/1"
    )
    revision = participants_version_issue(meeting=meeting, kind="revision", user=secretary)
    letter = SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%%EOF\n")
    credentials = services.credentials_upload(
        delegation=delegations[0], upload=letter, content_type="application/pdf"
    )
    return {
        "meeting": meeting,
        "session": Session.objects.filter(meeting=meeting).exclude(kind="break").first(),
        "version": revision,
        "credentials": credentials,
        "tokens": {"own": own, "revoked": revoked, "unknown": "not-a-real-token"},
        "users": {
            "anonymous": None,
            "desk": desk,
            "secretariat": secretary,
            "superuser": superuser,
        },
    }


def url_for(world, name, args):
    """The URL ``name`` with its arguments; "?x" names a query parameter instead."""
    values = {
        "slug": world["meeting"].slug,
        "day": world["meeting"].start_date.isoformat(),
        "session": world["session"].pk,
        "item": world["meeting"].agenda_items.order_by("number").first().number,
        "version": world["version"].pk,
        "credentials": world["credentials"].pk,
    }
    url = reverse(name, args=[values[arg] for arg in args if not arg.startswith("?")])
    query = "&".join(f"{arg[1:]}={values[arg[1:]]}" for arg in args if arg.startswith("?"))
    return f"{url}?{query}" if query else url


def client_for(client, world, visitor):
    user = world["users"][visitor]
    if user is not None:
        client.force_login(user)
    return client


def status_of(response, expected):
    if expected == "login" and response.status_code == 302:
        return "login" if "login" in response["Location"] else response["Location"]
    return response.status_code


PRIVATE = re.compile(r"official\d+@private\.example|\+1 212 555 \d{4}")


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("name", [n for n, (_, row) in MATRIX.items() if row is not None])
def test_matrix(client, world, name, visitor):
    args, row = MATRIX[name]
    url = url_for(world, name, args)
    response = client_for(client, world, visitor).get(url)
    assert status_of(response, row[visitor]) == row[visitor], url
    if response.status_code == 200 and not getattr(response, "streaming", False):
        assert not PRIVATE.search(response.content.decode(errors="replace")), url


@pytest.mark.parametrize(
    "document",
    [
        "sign_in_session",
        "participants",
        "attendance",
        "badges",
        "speakers",
        "seating",
        "name_plates",
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "html"])
def test_desk_documents_never_show_contact_details(client, world, document, fmt):
    args = {"sign_in_session": [world["session"].pk], "speakers": [1]}.get(document, [])
    client.force_login(world["users"]["desk"])
    response = client.get(reverse(f"desk:{document}", args=args), {"format": fmt})
    assert response.status_code == 200
    body = b"".join(response) if getattr(response, "streaming", False) else response.content
    assert not PRIVATE.search(body.decode("utf-8-sig"))


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("kind", REGISTRATION)
def test_registration_links(client, world, kind, visitor):
    token = world["tokens"][kind]
    for name, expected in REGISTRATION[kind].items():
        response = client_for(client, world, visitor).get(reverse(name, args=[token]))
        assert response.status_code == expected, (name, kind)
        if kind != "own":
            assert "@private.example" not in response.content.decode()


def test_a_user_without_the_desk_right_is_refused(client, world):
    client.force_login(UserFactory(username="visitor"))
    assert client.get(reverse("desk:index")).status_code == 403
    assert client.post(reverse("desk:check_in")).status_code == 403


@pytest.mark.parametrize("visitor", VISITORS)
def test_admin_matrix(client, world, visitor):
    client_for(client, world, visitor)
    for model in admin.site._registry:
        opts = model._meta
        expected = admin_expectation(opts.label_lower)[visitor]
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert status_of(response, expected) == expected, opts.label_lower
        if response.status_code == 200 and visitor == "secretariat":
            if opts.label_lower in {"delegations.official", "delegations.participant"}:
                # The secretariat is the one audience that sees contact details.
                continue
            assert not PRIVATE.search(response.content.decode()), opts.label_lower


@pytest.mark.parametrize("kind", REGISTRATION)
def test_every_private_link_page_sends_the_same_headers(client, world, kind):
    """One layer (delegations.links.private_link) opens every private-link page: whatever
    the answer, it is never cached, never indexed, and keeps the referrer same-origin (so
    that the browser's Origin header passes the CSRF check)."""
    token = world["tokens"][kind]
    for name in PRIVATE_LINK_PAGES:
        response = client.get(reverse(name, args=[token]))
        headers = (
            response["Referrer-Policy"],
            response["X-Robots-Tag"],
            set(response["Cache-Control"].split(", ")),
        )
        assert headers == (
            "same-origin",
            "noindex, nofollow",
            {"max-age=0", "no-cache", "no-store", "must-revalidate", "private"},
        ), (name, kind)
