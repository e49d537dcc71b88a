"""Hostile input: arbitrary text never causes a server error, and what is stored is shown
escaped, or inert, in every format the site speaks (HTML, JSON, iCalendar, CSV, PDF)."""

import csv
import datetime
import html
import io
import json
import re
from html.parser import HTMLParser

import icalendar
import markupsafe
import pypdfium2
import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agenda import services as agenda_services
from agenda.models import Session
from agenda.seed import seed_meeting
from delegations import services
from delegations.models import Delegation, Official, Participant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "'; DROP TABLE delegations_official; --",
    "1 OR 1=1",
    "\u202eevil\u202c right-to-left override",
    "Zero\u200dwidth\u200cjoiners",
    '=HYPERLINK("http://evil.example","click")',
    "+SUM(A1:A2)",
    "-1+2",
    "@cmd",
]
TOO_LONG = "x" * 10_000
WITH_NUL = "null\x00byte"
FORMULA = ("=", "+", "-", "@")

# Text as a browser may send it: any character but lone surrogates, which UTF-8 cannot carry.
any_text = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=200),
    st.sampled_from([*HOSTILE, TOO_LONG, WITH_NUL, "", " ", "0", "-1", "99999999999999999999"]),
)
examples = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class FormFields(HTMLParser):
    """The names of the fields of the page's forms, by form action."""

    def __init__(self):
        super().__init__()
        self.forms, self._action = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._action = attrs.get("action") or ""
            self.forms.setdefault(
                self._action, {"method": attrs.get("method", "get"), "names": {}}
            )
        elif (
            tag in {"input", "select", "textarea", "button"}
            and self._action is not None
            and (name := attrs.get("name"))
        ):
            self.forms[self._action]["names"][name] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._action = None


def forms_of(response):
    parser = FormFields()
    parser.feed(response.content.decode())
    return parser.forms


@pytest.fixture
def world(desk_user):
    meeting, _ = seed_meeting()
    delegation = Delegation.objects.get(meeting=meeting, organization__acronym="OSCE")
    token = services.link_issue(delegation=delegation)
    desk = desk_user
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    return {"meeting": meeting, "token": token, "desk": desk, "superuser": superuser}


PUBLIC_QUERIES = [
    "/",
    "/agenda/",
    "/participants/",
    "/agenda.json",
    "/agenda.ics",
    "/meetings/",
    "/agenda/items/1/speakers/",
]
QUERY_NAMES = ["item", "q", "session", "format", "paper", "day", "next", "language", "page"]


@examples
@given(path=st.sampled_from(PUBLIC_QUERIES), name=st.sampled_from(QUERY_NAMES), value=any_text)
def test_public_query_parameters_never_fail(client, world, path, name, value):
    response = client.get(path, {name: value})
    assert response.status_code < 500


@examples
@given(
    path=st.sampled_from(
        [
            "desk:index",
            "desk:counts",
            "desk:participants",
            "desk:attendance",
            "desk:seating",
            "desk:name_plates",
        ]
    ),
    name=st.sampled_from(QUERY_NAMES),
    value=any_text,
)
def test_desk_query_parameters_never_fail(client, world, path, name, value):
    client.force_login(world["desk"])
    response = client.get(reverse(path), {name: value})
    assert response.status_code < 500


@examples
@given(data=st.data())
def test_the_registration_form_never_fails(client, world, monkeypatch, data):
    # Before the meeting, when the form is open (a meeting that is over takes no registration).
    monkeypatch.setattr(
        timezone, "now", lambda: datetime.datetime(1996, 2, 1, 15, tzinfo=datetime.UTC)
    )
    url = reverse("registration:register", args=[world["token"]])
    form = forms_of(client.get(url))[""]
    posted = {
        name: value if "TOTAL_FORMS" in name or "INITIAL_FORMS" in name else data.draw(any_text)
        for name, value in form["names"].items()
        if name != "csrfmiddlewaretoken"
    }
    response = client.post(url, posted)
    assert response.status_code < 500


@examples
@given(data=st.data())
def test_the_inscription_form_never_fails(client, world, monkeypatch, data):
    # During the meeting, when the form is open.
    monkeypatch.setattr(
        timezone, "now", lambda: datetime.datetime(1996, 2, 15, 15, tzinfo=datetime.UTC)
    )
    url = reverse("speakers:focal_point", args=[world["token"]])
    form = forms_of(client.get(url))[""]
    posted = {name: data.draw(any_text) for name in form["names"] if name != "csrfmiddlewaretoken"}
    response = client.post(url, posted)
    assert response.status_code < 500


@examples
@given(
    action=st.sampled_from(["up", "down", "call", "spoken", "withdraw", "reply"]), value=any_text
)
def test_speakers_list_buttons_never_fail(client, world, action, value):
    item = world["meeting"].agenda_items.get(number=1)
    speakers_list = agenda_services.speakers_list_open(agenda_item=item)
    client.force_login(world["superuser"])
    url = reverse("admin:agenda_speakerslist_inscription_action", args=[speakers_list.pk, action])
    response = client.post(url, {"inscription": value})
    assert response.status_code in (302, 404)


@examples
@given(action=st.sampled_from(["desk:check_in", "desk:undo"]), data=st.data())
def test_desk_posts_never_fail(client, world, action, data):
    client.force_login(world["desk"])
    fields = {name: data.draw(any_text) for name in ["participant", "session", "q", "next"]}
    response = client.post(reverse(action), fields)
    assert response.status_code < 500


@pytest.mark.parametrize(
    "model",
    [
        m
        for m in admin.site._registry
        if m._meta.app_label in {"delegations", "agenda"}
        # No add form: lists are issued from the desk, credentials come from focal points.
        and m._meta.label_lower not in {"agenda.participantlistversion", "delegations.credentials"}
    ],
)
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_admin_add_forms_never_fail(client, world, model, data):
    client.force_login(world["superuser"])
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    form = forms_of(client.get(url))[""]
    posted = {}
    for name, value in form["names"].items():
        if name == "csrfmiddlewaretoken" or name.endswith(("TOTAL_FORMS", "INITIAL_FORMS")):
            posted[name] = value
        elif not name.startswith("_"):
            posted[name] = data.draw(any_text)
    assert client.post(url, posted).status_code < 500


# ---- A fixed list of hostile strings: stored where valid, refused where not, shown escaped.


def admin_change_official(client, official, **changes):
    fields = {
        "organization": official.organization_id,
        "honorific_en": official.honorific,
        "given_name": official.given_name,
        "family_name": official.family_name,
        "position_en": official.position,
        "country": official.country,
        "email": official.email,
        "phone": official.phone,
        **changes,
    }
    return client.post(reverse("admin:delegations_official_change", args=[official.pk]), fields)


def test_invalid_hostile_strings_are_refused_with_a_message(client, world):
    client.force_login(world["superuser"])
    official = Official.objects.get(family_name="Höynck")
    response = admin_change_official(client, official, family_name=TOO_LONG)
    assert response.status_code == 200
    assert "Ensure this value has at most 100 characters (it has 10000)." in html.unescape(
        response.content.decode()
    )
    response = admin_change_official(client, official, position_en=WITH_NUL)
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    official.refresh_from_db()
    assert (official.family_name, official.position) == ("Höynck", "Secretary-General")


@pytest.fixture
def hostile_world(client, world):
    """Each hostile string stored as a head of delegation's position (through the admin)
    and as a session's title."""
    client.force_login(world["superuser"])
    heads = Participant.objects.filter(
        delegation__meeting=world["meeting"], role=Participant.Role.HEAD
    ).select_related("official")
    evening = datetime.datetime(1996, 2, 15, 19, 0, tzinfo=world["meeting"].tz)
    for n, (text, head) in enumerate(zip(HOSTILE, heads, strict=False)):
        response = admin_change_official(client, head.official, position_en=text)
        assert response.status_code == 302, text
        starts_at = evening + datetime.timedelta(minutes=10 * n)
        session = Session(
            meeting=world["meeting"],
            title=text,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(minutes=10),
        )
        session.full_clean()
        session.save()
    client.logout()
    stored = set(Official.objects.values_list("position", flat=True))
    assert set(HOSTILE) <= stored  # stored unchanged, character for character
    return world


def test_hostile_strings_are_escaped_in_html(client, hostile_world):
    pages = [
        client.get("/participants/").content.decode(),
        client.get("/agenda/").content.decode(),
    ]
    for text in HOSTILE:
        # Escaped as Django's templates do, or as Jinja2's (the programme's session
        # tables: markupsafe writes &#34; and &#39;).
        escaped = (html.escape(text), text.replace("'", "&#x27;"), str(markupsafe.escape(text)))
        for page in pages:
            assert any(form in page for form in escaped), text
    for page in pages:
        assert "<script>alert(1)</script>" not in page
        assert '"><img src=x' not in page
        assert "onmouseover='alert" not in page


def test_hostile_strings_round_trip_through_json_and_icalendar(client, hostile_world):
    titles = {s["title"] for s in json.loads(client.get("/agenda.json").content)["sessions"]}
    assert set(HOSTILE) <= titles
    calendar = icalendar.Calendar.from_ical(client.get("/agenda.ics").content)
    summaries = {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}
    assert set(HOSTILE) <= summaries


def test_hostile_strings_are_inert_in_csv_and_pdf(client, hostile_world):
    client.force_login(hostile_world["desk"])
    content = client.get(reverse("desk:participants"), {"format": "csv"}).content
    cells = {cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row}
    for text in HOSTILE:
        expected = "'" + text if text.startswith(FORMULA) else text
        assert expected in cells, text
    response = client.get(reverse("desk:participants"), {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    pdf = b"".join(response) if response.streaming else response.content
    text = " ".join(page.get_textpage().get_text_bounded() for page in pypdfium2.PdfDocument(pdf))
    text = re.sub(r"\s+", " ", text)
    assert "<script>alert(1)</script>" in text
    assert "'; DROP TABLE delegations_official; --" in text


NUL_MESSAGE = "The address contains a null character, which no page accepts."


@pytest.mark.parametrize(
    "url",
    [
        "/desk/?q=%00",
        "/desk/?q=Ka%00",
        "/admin/autocomplete/?term=%00&app_label=delegations&model_name=meeting"
        "&field_name=convener",
        "/admin/delegations/official/?q=H%00",
        "/register/%00/",
        "/agenda/?item=%00",
    ],
)
def test_a_nul_character_in_the_address_is_a_400(client, world, url):
    client.force_login(world["superuser"])
    response = client.get(url)
    assert response.status_code == 400
    assert f"<p>{NUL_MESSAGE}</p>" in response.content.decode()


def test_the_nul_refusal_speaks_the_visitors_language(client, world):
    client.force_login(world["desk"])
    response = client.get("/desk/?q=%00", headers={"accept-language": "fr"})
    assert response.status_code == 400
    assert "L'adresse contient un caractère nul" in html.unescape(response.content.decode())


FILTER_MESSAGE = "The list cannot be filtered that way; here it is unfiltered."


@pytest.mark.parametrize(
    "url",
    [
        "/admin/delegations/meeting/?start_date__year=99999",
        "/admin/delegations/meeting/?start_date__year=9999",
        "/admin/delegations/meeting/?start_date__year=9999&start_date__month=12",
        "/admin/delegations/meeting/?end_date__year=99999",
        "/admin/agenda/session/?starts_at__year=10000&starts_at__month=1",
        "/admin/agenda/session/?starts_at__year=9999&starts_at__month=12&starts_at__day=31",
        "/admin/agenda/attendance/?checked_in_at__year=9999",
        "/admin/agenda/seatingdraw/?drawn_at__year=9999",
    ],
)
def test_a_date_out_of_range_shows_the_whole_list_with_a_message(client, world, url):
    client.force_login(world["superuser"])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == url.split("?")[0] + "?e=1"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert FILTER_MESSAGE in page.content.decode()


@pytest.mark.parametrize(
    ("url", "model"),
    [
        ("/admin/delegations/meeting/abc/history/", "Meeting"),
        ("/admin/delegations/meeting/abc/history/1/", "Meeting"),
        ("/admin/agenda/session/1.5/history/", "Session"),
        ("/admin/delegations/official/%20/history/", "Official"),
    ],
)
def test_a_history_address_without_an_id_says_so(client, world, url, model):
    client.force_login(world["superuser"])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    message = client.get("/admin/").content.decode()
    assert "with ID" in message and "doesn’t exist. Perhaps it was deleted?" in message
    assert html.unescape(message).count(f"{model} with ID") == 1


def test_a_history_version_that_is_not_a_number_is_not_found(client, world):
    client.force_login(world["superuser"])
    meeting = world["meeting"]
    response = client.get(f"/admin/delegations/meeting/{meeting.pk}/history/abc/")
    assert response.status_code == 404
    assert client.get(f"/admin/delegations/meeting/{meeting.pk}/history/").status_code == 200
