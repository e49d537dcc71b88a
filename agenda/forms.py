"""Forms of the agenda app: the public programme's filter, a focal point's inscription on
a speakers' list, and the secretariat's inscriptions and seating draws in the admin."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .models import Attendance, Inscription, SeatingDraw


class ItemFilterForm(forms.Form):
    # The message names no value: the page cache shows every wrong value the same page.
    item = forms.TypedChoiceField(
        label=gettext_lazy("Agenda item"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={
            "invalid_choice": gettext_lazy("There is no such agenda item: choose one listed.")
        },
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", _("All agenda items"))] + [
            (item.number, str(item)) for item in items
        ]
        self.fields["item"].widget.attrs["class"] = "form-select"

    def full_clean(self):
        super().full_clean()
        if "item" in self.errors:
            self.fields["item"].widget.attrs["class"] = "form-select is-invalid"


class AttendanceForm(forms.ModelForm):
    """A check-in typed in the admin keeps the desk's rules (no break, no cancelled person)."""

    class Meta:
        model = Attendance
        fields = ["session", "participant"]

    def clean(self):
        cleaned = super().clean()
        session, participant = cleaned.get("session"), cleaned.get("participant")
        if session is not None and participant is not None:
            try:
                services.attendance_check(session=session, participant=participant)
            except ValidationError as error:
                self.add_error("participant", error)
        return cleaned


class InscribeForm(forms.Form):
    """A focal point inscribes its delegation: an item of the meeting, one of its own people."""

    item = forms.TypedChoiceField(label=gettext_lazy("Agenda item"), coerce=int)
    speaker = forms.TypedChoiceField(
        label=gettext_lazy("Speaker"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, items, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = {item.number: item for item in items}
        self.participants = {p.pk: p for p in participants}
        self.fields["item"].choices = [(item.number, str(item)) for item in items]
        self.fields["speaker"].choices = [("", _("To be announced"))] + [
            (p.pk, f"{p.official.full_name} ({p.get_role_display()})") for p in participants
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def clean_item(self):
        return self.items[self.cleaned_data["item"]]

    def clean_speaker(self):
        pk = self.cleaned_data["speaker"]
        return None if pk is None else self.participants[pk]


class InscriptionForm(forms.ModelForm):
    """The secretariat's inscription in the admin; the level defaults to the speaker's."""

    level = forms.ChoiceField(
        label=gettext_lazy("level of representation"),
        choices=[("", gettext_lazy("From the speaker")), *Inscription.Level.choices],
        required=False,
        help_text=gettext_lazy(
            "Left empty: presiding officer or head of organization for a head of "
            "delegation, otherwise a lower level."
        ),
    )

    class Meta:
        model = Inscription
        fields = ["delegation", "speaker", "level", "is_reply"]

    def clean(self):
        cleaned = super().clean()
        delegation = cleaned.get("delegation")
        if not cleaned.get("level") and delegation is not None:
            cleaned["level"] = services.level_of(delegation, cleaned.get("speaker"))
            self.instance.level = cleaned["level"]
        list_id = self.instance.speakers_list_id
        if delegation is None or cleaned.get("is_reply") or list_id is None:
            return cleaned
        taken = (
            Inscription.objects.filter(
                speakers_list_id=list_id, delegation=delegation, is_reply=False
            )
            .exclude(status=Inscription.Status.WITHDRAWN)
            .exclude(pk=self.instance.pk)
        )
        if taken.exists():
            self.add_error(
                "delegation",
                ValidationError(
                    _("This delegation is already inscribed on this list."), code="inscribed"
                ),
            )
        return cleaned


class SeatingDrawForm(forms.ModelForm):
    """A new draw: the meeting and the table; the lot itself is drawn on saving."""

    class Meta:
        model = SeatingDraw
        fields = ["meeting", "table_shape"]

    def clean_meeting(self):
        meeting = self.cleaned_data["meeting"]
        if not services.seating_candidates(meeting):
            raise ValidationError(
                _("No delegation takes part in this meeting: there is no name to draw."),
                code="nothing_to_draw",
            )
        return meeting
