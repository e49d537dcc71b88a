"""The focal point's pages, reached only through a delegation's private link.

``links.private_link`` opens each one: it looks the delegation up by the digest of the
token in its URL, refuses unknown, revoked and closed links, and sends the headers that
keep the link from leaking. Each page then shows that delegation alone.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from meetingsite.site import site_url

from . import services
from .forms import (
    CredentialsForm,
    CredentialsUploadLimit,
    DelegationDetailsForm,
    entry_helper,
    participant_initial,
    registration_formset_class,
)
from .links import listed_participants, private_link, refused
from .models import Credentials, Delegation, Official


def _link(name, token):
    return site_url(reverse(f"registration:{name}", args=[token]))


@private_link(to_change=True, methods=("GET", "POST"))
def register(request, delegation, token):
    participants = listed_participants(delegation)
    officials = list(
        Official.objects.filter(organization_id=delegation.organization_id).order_by(
            "sort_key", "pk"
        )
    )
    formset_class = registration_formset_class(extra=max(delegation.seats - len(participants), 0))
    formset_kwargs = {"seats": delegation.seats, "officials": officials, "prefix": "participants"}
    conflict = None

    if request.method == "POST":
        details = DelegationDetailsForm(request.POST, instance=delegation, prefix="delegation")
        formset = formset_class(request.POST, **formset_kwargs)
        # Validate both, so every message shows at once.
        details_valid = details.is_valid()
        if formset.is_valid() and details_valid:
            try:
                services.registration_save(
                    delegation=delegation,
                    details=details.details(),
                    entries=formset.entries(),
                    version=details.cleaned_data["version"],
                    reason=_("Focal point: %(name)s")
                    % {"name": details.cleaned_data["focal_point_name"]},
                )
            except ValidationError as error:
                code = getattr(error, "code", None)
                if code == "registration_closed":
                    delegation.refresh_from_db()
                    return refused(request, delegation, status=403, token=token)
                if code == "changed_meanwhile":
                    # Keep the entries; show what is saved now and take its version,
                    # so a second submit after checking goes through.
                    current = Delegation.objects.select_related("meeting", "organization").get(
                        pk=delegation.pk
                    )
                    conflict = {
                        "delegation": current,
                        "participants": listed_participants(current),
                    }
                    data = request.POST.copy()
                    data["delegation-version"] = str(current.version)
                    details = DelegationDetailsForm(data, instance=current, prefix="delegation")
                    details.is_valid()
                details.add_error(None, ValidationError(error.messages, code=code))
            else:
                services.registration_confirm_send(
                    delegation=delegation, registration_url=_link("register", token)
                )
                return redirect("registration:done", token=token)
    else:
        details = DelegationDetailsForm(
            instance=delegation,
            prefix="delegation",
            initial={"version": delegation.version},
        )
        formset = formset_class(
            initial=[participant_initial(p) for p in participants], **formset_kwargs
        )

    context = {
        "delegation": delegation,
        "meeting": delegation.meeting,
        "details": details,
        "formset": formset,
        "entry_helper": entry_helper(),
        "conflict": conflict,
        "token": token,
    }
    return render(request, "delegations/register.html", context)


@private_link
def done(request, delegation, token):
    context = {
        "delegation": delegation,
        "meeting": delegation.meeting,
        "participants": listed_participants(delegation),
        "refusal": services.registration_refusal(delegation),
        "token": token,
    }
    return render(request, "delegations/done.html", context)


@private_link(to_change=True, methods=("GET", "POST"))
def decline(request, delegation, token):
    error = None
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = 0
        try:
            services.delegation_decline(delegation=delegation, version=version)
        except ValidationError as exc:
            error = exc.messages[0]
            delegation.refresh_from_db()
        else:
            messages.success(
                request,
                _("You have declined the invitation for %(organization)s.")
                % {"organization": delegation.organization},
            )
            return redirect("registration:done", token=token)
    context = {
        "delegation": delegation,
        "meeting": delegation.meeting,
        "error": error,
        "token": token,
    }
    return render(request, "delegations/decline.html", context)


def credentials_response(credentials, *, attachment=False):
    """The stored file of ``credentials``, for a view that has checked who asks."""
    try:
        handle = credentials.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file of these credentials is missing.")) from None
    response = FileResponse(
        handle,
        as_attachment=attachment,
        filename=credentials.original_name or credentials.file.name.rsplit("/", 1)[-1],
        content_type=credentials.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # A PDF or image is shown, never run: no script, no plugin, no frame of ours around it.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@csrf_exempt  # checked below, once the upload limit is in place
def credentials(request, token):
    """The focal point sends the delegation's letter of credentials, and sees its state.

    Open while the link is active, even after the registration deadline: credentials
    often arrive at the last moment. The upload handlers must be set before anything
    reads the body, CSRF's check included (Django's documented pattern: csrf_exempt
    outside, csrf_protect inside).
    """
    request.upload_handlers.insert(0, CredentialsUploadLimit(request))
    return _credentials(request, token)


@csrf_protect
@private_link(methods=("GET", "POST"))
def _credentials(request, delegation, token):
    current = Credentials.objects.filter(delegation=delegation).first()
    if request.method == "POST":
        limit = request.upload_handlers[0]
        form = CredentialsForm(request.POST, request.FILES, refused_size=limit.refused_size)
        if form.is_valid():
            services.credentials_upload(
                delegation=delegation,
                upload=form.cleaned_data["file"],
                content_type=form.content_type,
            )
            messages.success(
                request,
                _("Thank you: the secretariat has received the credentials of %(organization)s.")
                % {"organization": delegation.organization},
            )
            return redirect("registration:credentials", token=token)
    else:
        form = CredentialsForm()
    context = {
        "delegation": delegation,
        "meeting": delegation.meeting,
        "credentials": current,
        "meeting_over": services.meeting_over_message(delegation.meeting)
        if delegation.meeting.is_over
        else "",
        "form": form,
        "token": token,
    }
    return render(request, "delegations/credentials.html", context)


@private_link
def credentials_file(request, delegation, token):
    """The file the focal point sent, to its own delegation's link only."""
    credentials = Credentials.objects.filter(delegation=delegation).first()
    if credentials is None:
        raise Http404(_("No credentials have been sent yet."))
    return credentials_response(credentials)
