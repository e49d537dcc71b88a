from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Participant


class ParticipantFormSet(forms.BaseInlineFormSet):
    """Rules that span a delegation's participants, checked before anything is saved.

    Each row's own ``clean()`` sees only the database; these checks see the rows being
    submitted together, so two new heads of delegation or one participant too many get a
    message instead of a database error. (An official listed twice is caught by the
    model formset's own unique check.)
    """

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        active = [
            form
            for form in self.forms
            if form.cleaned_data
            and not self._should_delete_form(form)
            and form.cleaned_data.get("status") != Participant.Status.CANCELLED
        ]
        heads = [f for f in active if f.cleaned_data.get("role") == Participant.Role.HEAD]
        if len(heads) > 1:
            raise ValidationError(
                _("A delegation has one head of delegation; %(count)d are marked.")
                % {"count": len(heads)},
                code="several_heads",
            )
        seats = self.instance.seats if self.instance.pk else None
        if seats is not None and len(active) > seats:
            raise ValidationError(
                ngettext(
                    "The delegation has %(seats)d seat; %(count)d participants are listed.",
                    "The delegation has %(seats)d seats; %(count)d participants are listed.",
                    seats,
                )
                % {"seats": seats, "count": len(active)},
                code="too_many_participants",
            )
