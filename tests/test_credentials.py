"""Credentials: focal points send them through their own link; only the secretariat reads them."""

import csv
import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agenda.seed import seed_meeting
from delegations import services
from delegations.models import Credentials, Delegation
from meetingsite.models import StoredFile

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """An empty MEDIA_ROOT: files go to the database, never here (checked below)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    yield settings.MEDIA_ROOT
    assert not settings.MEDIA_ROOT.exists()


def stored(name):
    with default_storage.open(name) as handle:
        return handle.read()


@pytest.fixture
def world():
    meeting, _ = seed_meeting()
    first, second, third = Delegation.objects.filter(meeting=meeting).in_protocol_order()[:3]
    return {
        "meeting": meeting,
        "a": first,
        "b": second,
        "c": third,
        "token_a": services.link_issue(delegation=first),
        "token_b": services.link_issue(delegation=second),
    }


def upload(client, token, content=PDF, name="letter.pdf"):
    return client.post(
        reverse("registration:credentials", args=[token]),
        {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")},
    )


def field_errors(response):
    return response.context["form"].errors.get("file")


def test_a_focal_point_sends_its_credentials(client, world, media):
    response = upload(client, world["token_a"])
    assert response.status_code == 302
    credentials = Credentials.objects.get()
    assert credentials.delegation == world["a"]
    assert (credentials.original_name, credentials.content_type, credentials.size) == (
        "letter.pdf",
        "application/pdf",
        len(PDF),
    )
    assert credentials.verified is False
    assert stored(credentials.file.name) == PDF
    assert StoredFile.objects.get().name == credentials.file.name
    assert credentials.file.name.startswith(f"credentials/{world['a'].pk}/")
    page = client.get(reverse("registration:credentials", args=[world["token_a"]]))
    assert "not yet verified by the secretariat" in page.content.decode()
    own = client.get(reverse("registration:credentials_file", args=[world["token_a"]]))
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == PDF
    assert own["Content-Type"] == "application/pdf"


def test_a_new_file_replaces_the_old_and_must_be_verified_again(
    client, world, media, secretariat_user, django_capture_on_commit_callbacks
):
    upload(client, world["token_a"])
    old = Credentials.objects.get()
    services.credentials_verify(credentials=old, by=secretariat_user)
    assert default_storage.exists(old.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, world["token_a"], PNG, "scan.png")
    new = Credentials.objects.get()
    assert (new.original_name, new.content_type, new.verified, new.verified_by) == (
        "scan.png",
        "image/png",
        False,
        None,
    )
    assert stored(new.file.name) == PNG
    assert not default_storage.exists(old.file.name)  # removed once the upload committed
    assert list(StoredFile.objects.values_list("name", flat=True)) == [new.file.name]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("letter.docx", PDF, "Send a PDF, JPEG or PNG file; “letter.docx” is none of these."),
        (
            "letter.pdf",
            b"MZ\x90\x00 not a pdf",
            "“letter.pdf” is not a real PDF file; it may be damaged.",
        ),
        ("photo.jpg", PNG, "“photo.jpg” is not a real JPG file; it may be damaged."),
    ],
)
def test_files_that_are_not_credentials_are_refused_next_to_the_field(
    client, world, name, content, message
):
    response = upload(client, world["token_a"], content, name)
    assert response.status_code == 200
    assert field_errors(response) == [message]
    assert message.replace("“", "&ldquo;").split("&")[0] in response.content.decode()
    assert Credentials.objects.count() == 0


def test_a_file_over_the_limit_is_refused(client, world, monkeypatch):
    monkeypatch.setattr("delegations.forms.CREDENTIALS_MAX_BYTES", 10)
    response = upload(client, world["token_a"])
    assert field_errors(response) == [
        f"The file is {len(PDF) / 1024 / 1024:.1f} MB; the limit is 10 MB."
    ]
    assert Credentials.objects.count() == 0


def test_no_file_is_refused(client, world):
    response = client.post(reverse("registration:credentials", args=[world["token_a"]]), {})
    assert field_errors(response) == ["This field is required."]


def test_link_a_neither_sees_nor_replaces_the_credentials_of_b(client, world):
    upload(client, world["token_b"], PNG, "b.png")
    page = client.get(reverse("registration:credentials", args=[world["token_a"]]))
    assert "b.png" not in page.content.decode()
    assert page.context["credentials"] is None
    assert (
        client.get(reverse("registration:credentials_file", args=[world["token_a"]])).status_code
        == 404
    )
    upload(client, world["token_a"])
    assert dict(Credentials.objects.values_list("delegation_id", "original_name")) == {
        world["a"].pk: "letter.pdf",
        world["b"].pk: "b.png",
    }


def test_a_revoked_or_unknown_link_is_refused(client, world):
    upload(client, world["token_a"])
    services.link_revoke(delegation=world["a"])
    for name in ("registration:credentials", "registration:credentials_file"):
        assert client.get(reverse(name, args=[world["token_a"]])).status_code == 410
        assert client.get(reverse(name, args=["no-such-token"])).status_code == 404
    assert upload(client, world["token_a"], PNG, "again.png").status_code == 410
    assert Credentials.objects.get().original_name == "letter.pdf"


def test_only_the_secretariat_downloads_files(client, world, desk_user, secretariat_user):
    upload(client, world["token_a"])
    credentials = Credentials.objects.get()
    url = reverse("desk:credentials_file", args=[credentials.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    client.force_login(desk_user)
    assert client.get(url).status_code == 403
    client.force_login(secretariat_user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_no_public_url_serves_the_files(client, world, secretariat_user):
    upload(client, world["token_a"])
    credentials = Credentials.objects.get()
    for path in (f"/media/private/{credentials.file.name}", f"/media/{credentials.file.name}"):
        assert client.get(path).status_code == 404
    with pytest.raises(ValueError):
        credentials.file.url  # noqa: B018


def test_the_secretariat_marks_credentials_verified_in_the_admin(
    client, world, secretariat_client, secretariat_user
):
    upload(client, world["token_a"])
    credentials = Credentials.objects.get()
    response = secretariat_client.post(
        reverse("admin:delegations_credentials_changelist"),
        {"action": "mark_verified", "_selected_action": [credentials.pk]},
        follow=True,
    )
    # The client is the same one that uploaded: the focal point's message comes first.
    assert [str(m) for m in response.context["messages"]][-1] == (
        "1 delegation's credentials marked verified."
    )
    credentials.refresh_from_db()
    assert (credentials.verified, credentials.verified_by) == (True, secretariat_user)
    assert credentials.verified_at is not None
    missing = secretariat_client.get(
        reverse("admin:delegations_delegation_changelist"), {"credentials": "missing"}
    )
    shown = {d.pk for d in missing.context["cl"].result_list}
    assert world["a"].pk not in shown and world["b"].pk in shown


def test_the_report_and_the_desk_show_who_lacks_credentials(
    client, world, desk_client, secretariat_user
):
    upload(client, world["token_a"])
    services.credentials_verify(credentials=Credentials.objects.get(), by=secretariat_user)
    upload(client, world["token_b"], PNG, "b.png")
    response = desk_client.get(reverse("desk:credentials"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Organization", "Credentials", "Received", "Verified at", "Verified by"]
    active = Delegation.objects.filter(meeting=world["meeting"]).active().count()
    assert len(rows) == 1 + active
    by_organization = {row[0]: row[1:] for row in rows[1:]}
    a, b, c = (str(world[k].organization) for k in "abc")
    assert by_organization[a][0] == "Verified"
    assert by_organization[a][3] == secretariat_user.get_username()
    assert by_organization[b][0] == "Received, not verified"
    assert by_organization[b][2:] == ["", ""]
    assert by_organization[c] == ["Missing", "", "", ""]
    assert rows[1][0] == a  # protocol order
    page = desk_client.get(reverse("desk:documents"))
    assert page.context["credentials_missing"] == [
        row[0] for row in rows[1:] if row[1] == "Missing"
    ]
    assert f"{active - 2} delegations have sent no credentials yet" in page.content.decode()
    html = desk_client.get(reverse("desk:credentials"))
    assert f"{active} delegations: 1 verified, {active - 2} missing." in html.content.decode()
    pdf = desk_client.get(reverse("desk:credentials"), {"format": "pdf"})
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("extra", [0, 20])
def test_the_report_reads_a_constant_number_of_queries(
    desk_client, world, extra, django_assert_num_queries
):
    from tests.factories import DelegationFactory

    for _ in range(extra):
        DelegationFactory(meeting=world["meeting"])
    with django_assert_num_queries(5):
        desk_client.get(reverse("desk:credentials"), {"format": "csv"})


def test_a_hostile_file_name_is_kept_as_text_and_never_used_as_a_path(client, world, media):
    name = "../../<img src=x onerror=alert(1)>.pdf"
    response = upload(client, world["token_a"], PDF, name)
    assert response.status_code == 302
    credentials = Credentials.objects.get()
    # Django keeps only the last part of an uploaded name; the stored path is ours alone.
    assert credentials.original_name == "<img src=x onerror=alert(1)>.pdf"
    assert re.fullmatch(rf"credentials/{world['a'].pk}/[0-9a-f]{{32}}\.pdf", credentials.file.name)
    assert stored(credentials.file.name) == PDF
    page = client.get(reverse("registration:credentials", args=[world["token_a"]])).content
    assert b"<img src=x" not in page
    assert b"&lt;img src=x onerror=alert(1)&gt;.pdf" in page


@pytest.fixture
def stored_bytes(monkeypatch):
    """How many bytes of uploads reached Django's own handlers, which store them."""
    from django.core.files import uploadhandler

    seen = []
    for handler in (
        uploadhandler.MemoryFileUploadHandler,
        uploadhandler.TemporaryFileUploadHandler,
    ):
        original = handler.receive_data_chunk

        def counting(self, raw_data, start, original=original):
            seen.append(len(raw_data))
            return original(self, raw_data, start)

        monkeypatch.setattr(handler, "receive_data_chunk", counting)
    return seen


def test_a_file_over_10_mb_is_refused_before_it_is_stored(client, world, stored_bytes):
    big = PDF + b"0" * (12 * 1024 * 1024)
    response = upload(client, world["token_a"], big)
    assert response.status_code == 200
    assert field_errors(response) == ["The file is 12.0 MB; the limit is 10 MB."]
    assert "The file is 12.0 MB; the limit is 10 MB." in response.content.decode()
    assert stored_bytes == []  # not a byte written to memory or to a temporary file
    assert Credentials.objects.count() == 0


def test_an_upload_is_stopped_at_the_limit_while_it_streams(
    client, world, monkeypatch, stored_bytes
):
    # A request no longer than the limit allows (its length is not known to be too
    # much), whose file turns out longer: stopped at the first chunk past the limit.
    monkeypatch.setattr("delegations.forms.CREDENTIALS_MAX_BYTES", 200 * 1024)
    response = upload(client, world["token_a"], PDF + b"0" * (250 * 1024))
    assert field_errors(response) == ["The file is 0.2 MB; the limit is 10 MB."]
    assert sum(stored_bytes) <= 200 * 1024
    assert Credentials.objects.count() == 0


def test_a_file_within_the_limit_is_stored_whole(client, world, media, monkeypatch):
    monkeypatch.setattr("delegations.forms.CREDENTIALS_MAX_BYTES", 200 * 1024)
    content = PDF + b"0" * (150 * 1024)
    assert upload(client, world["token_a"], content).status_code == 302
    credentials = Credentials.objects.get()
    assert stored(credentials.file.name) == content


def test_the_credentials_upload_still_checks_csrf(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = upload(client, world["token_a"])
    assert response.status_code == 403
    assert Credentials.objects.count() == 0
    page = client.get(reverse("registration:credentials", args=[world["token_a"]]))
    assert page.status_code == 200
    assert page["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
