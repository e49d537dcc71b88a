import os

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Delegation, Participant, fold, roster_errors
from .services import Entry


class ParticipantFormSet(forms.BaseInlineFormSet):
    """Rules that span a delegation's participants, checked before anything is saved.

    Each row's own ``clean()`` sees only the database; these checks see the rows being
    submitted together, so two new heads of delegation or one participant too many get a
    message instead of a database error. (An official listed twice is caught by the
    model formset's own unique check.)

    A row's status is the participant's own: the admin shows it read-only (it moves only
    through the actions), so it is never in the posted data, and cancelled participants
    hold no seat and are no head.
    """

    def clean(self):
        super().clean()
        if any(self.errors) or not self.instance.pk:
            return
        roles = [
            form.cleaned_data.get("role")
            for form in self.forms
            if form.cleaned_data
            and not self._should_delete_form(form)
            and form.instance.status != Participant.Status.CANCELLED
        ]
        errors = roster_errors(seats=self.instance.seats, roles=roles, require_head=False)
        if errors:
            raise ValidationError(errors)


class ParticipantAdminForm(forms.ModelForm):
    """The admin's form for one participant; saved by ``services.participant_save``."""

    class Meta:
        model = Participant
        fields = [
            "delegation",
            "official",
            "role",
            "representing",
            "badge_number",
            "special_requirements",
        ]


# --- the focal point's form ----------------------------------------------------------


class DelegationDetailsForm(forms.ModelForm):
    """The delegation's own details, plus the version the page was built from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    representing = forms.CharField(
        label=gettext_lazy("Representing"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("For example “the presidency of the European Union”."),
    )

    class Meta:
        model = Delegation
        fields = ["focal_point_name", "focal_point_email", "focal_point_phone", "representing"]
        help_texts = {
            "focal_point_name": gettext_lazy(
                "The person the secretariat contacts about this delegation: you, most likely."
            ),
            "focal_point_email": gettext_lazy("The confirmation is sent here."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focal_point_name"].required = True
        self.fields["focal_point_email"].required = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("focal_point_name", css_class="col-md-4"),
                Column("focal_point_email", css_class="col-md-4"),
                Column("focal_point_phone", css_class="col-md-4"),
            ),
            "representing",
            "version",
        )

    def details(self):
        return {field: self.cleaned_data[field] for field in self._meta.fields}


class ParticipantEntryForm(forms.Form):
    """One participant: an existing official of the organization, or a new person."""

    official = forms.TypedChoiceField(
        label=gettext_lazy("Official already known to the secretariat"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=gettext_lazy("Or leave “a new person” and fill in the name below."),
    )
    honorific = forms.CharField(
        label=gettext_lazy("Honorific"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("H.E. Mr., Ms., Dr …"),
    )
    given_name = forms.CharField(label=gettext_lazy("Given name"), max_length=100, required=False)
    family_name = forms.CharField(
        label=gettext_lazy("Family name"), max_length=100, required=False
    )
    position = forms.CharField(label=gettext_lazy("Position"), max_length=300, required=False)
    email = forms.EmailField(
        label=gettext_lazy("E-mail"),
        required=False,
        help_text=gettext_lazy("Seen by the secretariat only."),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=Participant.Role.choices,
        initial=Participant.Role.ADVISER,
    )
    representing = forms.CharField(
        label=gettext_lazy("Representing"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Only if not the organization itself."),
    )
    special_requirements = forms.CharField(
        label=gettext_lazy("Special requirements"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Access, dietary or other needs."),
    )

    def __init__(self, *args, officials=(), **kwargs):
        super().__init__(*args, **kwargs)
        # A plain choice list built once for the whole formset: a ModelChoiceField
        # would query the officials again for every row.
        self.officials = {official.pk: official for official in officials}
        self.fields["official"].choices = [("", _("— a new person —"))] + [
            (official.pk, official_label(official)) for official in officials
        ]

    def clean(self):
        data = super().clean()
        if self.has_error("official"):
            return data
        official = self.officials.get(data.get("official"))
        data["official"] = official
        if official is None and not data.get("family_name") and not self.has_error("family_name"):
            self.add_error(
                "family_name",
                ValidationError(
                    _("Give the family name, or choose an official from the list."),
                    code="name_required",
                ),
            )
        family = data.get("family_name")
        if official is not None and family and fold(family) != fold(official.family_name):
            # Typing another name over a chosen official would rename that person in the
            # register, and in every meeting they took part in.
            self.add_error(
                "family_name",
                ValidationError(
                    _(
                        "%(official)s is chosen above, but this family name is different. "
                        "Leave the name empty to keep the register's, or choose “a new "
                        "person”."
                    )
                    % {"official": official.name},
                    code="name_mismatch",
                ),
            )
        return data

    def person(self):
        """What identifies the person of this row: an official's key, or the folded name."""
        official = self.cleaned_data.get("official")
        given = self.cleaned_data.get("given_name", "")
        family = self.cleaned_data.get("family_name", "")
        if official is not None:
            return ("official", official.pk)
        folded = fold(f"{given} {family}")
        for candidate in self.officials.values():
            if fold(candidate.name) == folded:
                return ("official", candidate.pk)
        return ("name", folded)

    def display_name(self):
        official = self.cleaned_data.get("official")
        if official is not None and not self.cleaned_data.get("family_name"):
            return official.name
        parts = (self.cleaned_data.get("given_name"), self.cleaned_data.get("family_name"))
        return " ".join(part for part in parts if part)

    def entry(self):
        data = self.cleaned_data
        return Entry(
            official=data["official"],
            **{
                field: data[field]
                for field in (
                    "honorific",
                    "given_name",
                    "family_name",
                    "position",
                    "email",
                    "role",
                    "representing",
                    "special_requirements",
                )
            },
        )


def official_label(official):
    return (
        f"{official.full_name} — {official.position}" if official.position else official.full_name
    )


class RegistrationFormSet(forms.BaseFormSet):
    """The participants as a whole: one head, the seats, nobody twice."""

    def __init__(self, *args, seats, officials=(), **kwargs):
        self.seats = seats
        kwargs.setdefault("form_kwargs", {})["officials"] = officials
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = _("Remove from the delegation")

    def listed_forms(self):
        """The rows that name somebody and are not marked for removal."""
        return [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not self._should_delete_form(form)
        ]

    def clean(self):
        if any(self.errors):
            return
        listed = self.listed_forms()
        seen = {}
        for number, form in enumerate(listed, start=1):
            person = form.person()
            if person in seen:
                field = "official" if form.cleaned_data.get("official") else "family_name"
                form.add_error(
                    field,
                    ValidationError(
                        _("%(name)s is already listed as participant %(number)d.")
                        % {"name": form.display_name(), "number": seen[person]},
                        code="listed_twice",
                    ),
                )
            else:
                seen[person] = number
        # Read before the messages below take the fields they mark out of cleaned_data.
        roles = [form.cleaned_data["role"] for form in listed]
        heads = [form for form in listed if form.cleaned_data["role"] == Participant.Role.HEAD]
        for form in heads[1:]:
            form.add_error(
                "role",
                ValidationError(
                    _("A delegation has one head; %(name)s is already head of delegation.")
                    % {"name": heads[0].display_name()},
                    code="several_heads",
                ),
            )
        errors = []
        if not listed:
            errors.append(
                ValidationError(
                    _("List at least one participant: the head of delegation."),
                    code="no_participant",
                )
            )
        for form in listed[self.seats :]:
            form.add_error(
                None,
                ValidationError(
                    _("No seat is left for this participant."), code="too_many_participants"
                ),
            )
        # Several heads are marked on each extra head's row above, not once more here.
        errors += [
            error
            for error in roster_errors(seats=self.seats, roles=roles)
            if not (error.code == "one_head" and heads)
        ]
        if errors:
            raise ValidationError(errors)

    def entries(self):
        return [form.entry() for form in self.listed_forms()]


def registration_formset_class(*, extra):
    return forms.formset_factory(
        ParticipantEntryForm,
        formset=RegistrationFormSet,
        extra=extra,
        can_delete=True,
        # Far above any real delegation, but bounded, so a forged TOTAL_FORMS cannot make
        # the server build thousands of forms.
        max_num=200,
        absolute_max=200,
    )


def participant_initial(participant):
    official = participant.official
    return {
        "official": official.pk,
        "honorific": official.honorific,
        "given_name": official.given_name,
        "family_name": official.family_name,
        "position": official.position,
        "email": official.email,
        "role": participant.role,
        "representing": participant.representing,
        "special_requirements": participant.special_requirements,
    }


def entry_helper():
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(
        Field("official"),
        Row(
            Column("honorific", css_class="col-md-2"),
            Column("given_name", css_class="col-md-5"),
            Column("family_name", css_class="col-md-5"),
        ),
        Row(
            Column("position", css_class="col-md-6"),
            Column("email", css_class="col-md-6"),
        ),
        Row(
            Column("role", css_class="col-md-4"),
            Column("representing", css_class="col-md-8"),
        ),
        "special_requirements",
        "DELETE",
    )
    return helper


# What a letter of credentials may be, told by its first bytes (never by the name alone).
CREDENTIALS_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}
CREDENTIALS_MAX_BYTES = 10 * 1024 * 1024


class CredentialsUploadLimit(FileUploadHandler):
    """Stops storing an upload once it is past CREDENTIALS_MAX_BYTES, instead of writing
    all 300 MB to a temporary file for the form to refuse afterwards.

    Installed first for the credentials page (``views.credentials``). A request longer
    than the limit is refused before its file is stored at all; otherwise the file is
    counted as it streams and skipped at the first chunk past the limit. Either way
    ``refused_size`` is what the form tells the focal point: the request's length, which
    the file all but fills (or what had arrived, when the length is not given). The rest
    of the body is still read and thrown away, so that the browser gets the page with the
    message rather than a reset connection; the load balancer's body limit, not this, is
    what keeps a worker from reading for ever.
    """

    # Room for the form's other fields and the multipart boundaries around the file.
    SLACK = 64 * 1024

    def __init__(self, request=None):
        super().__init__(request)
        self.request_length = 0
        self.refused_size = None

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request_length = content_length or 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.request_length > CREDENTIALS_MAX_BYTES + self.SLACK:
            self.refused_size = self.request_length
            raise SkipFile

    def receive_data_chunk(self, raw_data, start):
        received = start + len(raw_data)
        if received > CREDENTIALS_MAX_BYTES:
            self.refused_size = max(self.request_length, received)
            raise SkipFile
        return raw_data  # on to the handlers that store it

    def file_complete(self, file_size):
        return None


def _too_large(size):
    return ValidationError(
        _("The file is %(size)s MB; the limit is 10 MB.") % {"size": f"{size / 1024 / 1024:.1f}"},
        code="too_large",
    )


class CredentialsForm(forms.Form):
    """The focal point's upload of the letter of credentials: PDF, JPEG or PNG, 10 MB at most.

    ``refused_size``: the size of a file CredentialsUploadLimit stopped, which never
    reaches ``files``; the form refuses it with the same message as a stored one.
    """

    file = forms.FileField(
        label=gettext_lazy("Letter of credentials or nomination"),
        help_text=gettext_lazy("A PDF, JPEG or PNG file of 10 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, refused_size=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused_size = refused_size
        if refused_size is not None:
            self.fields["file"].required = False  # it was sent: say why it is refused

    def clean_file(self):
        if self.refused_size is not None:
            raise _too_large(self.refused_size)
        upload = self.cleaned_data["file"]
        extension = os.path.splitext(upload.name or "")[1].lower()
        if extension not in CREDENTIALS_TYPES:
            raise ValidationError(
                _("Send a PDF, JPEG or PNG file; “%(name)s” is none of these.")
                % {"name": upload.name},
                code="wrong_type",
            )
        if upload.size > CREDENTIALS_MAX_BYTES:
            raise _too_large(upload.size)
        content_type, signatures = CREDENTIALS_TYPES[extension]
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not head.startswith(signatures):
            raise ValidationError(
                _("“%(name)s” is not a real %(kind)s file; it may be damaged.")
                % {"name": upload.name, "kind": extension[1:].upper()},
                code="wrong_content",
            )
        self.content_type = content_type
        return upload
