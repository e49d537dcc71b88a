"""The focal point's pages, reached only through a delegation's private link.

Every page looks the delegation up by the digest of the token in its URL and shows
that delegation alone. The pages are never cached and send no referrer, so the link
does not leak to proxies or other sites.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import services
from .forms import (
    CredentialsForm,
    DelegationDetailsForm,
    entry_helper,
    participant_initial,
    registration_formset_class,
)
from .models import Credentials, Delegation, Official, Participant


def _private(response):
    # "same-origin", not "no-referrer": the link never leaves for another site either way,
    # but with "no-referrer" browsers send "Origin: null" on the page's own forms, and
    # Django's CSRF check refuses every POST ("Origin checking failed - null").
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _delegation_for(token):
    return Delegation.objects.for_token(token)


def _participants(delegation):
    return list(Participant.objects.filter(delegation=delegation).listed())


def _refused(request, delegation, *, status):
    """The page for a link that is unknown, revoked or closed."""
    if delegation is None:
        reason = _("This registration link is not valid. Check that you copied all of it.")
    else:
        reason = services.registration_refusal(delegation)
    context = {"delegation": delegation, "reason": reason}
    if delegation is not None and delegation.link_active:
        # Closed by the deadline or a withdrawal: the focal point still sees what is
        # registered. A revoked link shows nothing of the delegation.
        context["show_registration"] = True
        context["participants"] = _participants(delegation)
    return _private(render(request, "delegations/closed.html", context, status=status))


def _open(request, token, *, to_change):
    """The link's delegation, or the response that refuses it.

    Unknown links answer 404, revoked ones 410 (showing nothing of the delegation);
    when ``to_change`` and registration is closed, the registration is shown read-only,
    and a POST is refused with 403.
    """
    delegation = _delegation_for(token)
    if delegation is None:
        return None, _refused(request, None, status=404)
    if not delegation.link_active:
        return delegation, _refused(request, delegation, status=410)
    if to_change and services.registration_refusal(delegation):
        status = 403 if request.method == "POST" else 200
        return delegation, _refused(request, delegation, status=status)
    return delegation, None


def _link(request, name, token):
    return request.build_absolute_uri(reverse(f"registration:{name}", args=[token]))


@never_cache
@require_http_methods(["GET", "POST"])
def register(request, token):
    delegation, refused = _open(request, token, to_change=True)
    if refused:
        return refused

    participants = _participants(delegation)
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
                    return _refused(request, delegation, status=403)
                if code == "changed_meanwhile":
                    # Keep the entries; show what is saved now and take its version,
                    # so a second submit after checking goes through.
                    current = Delegation.objects.select_related("meeting", "organization").get(
                        pk=delegation.pk
                    )
                    conflict = {"delegation": current, "participants": _participants(current)}
                    data = request.POST.copy()
                    data["delegation-version"] = str(current.version)
                    details = DelegationDetailsForm(data, instance=current, prefix="delegation")
                    details.is_valid()
                details.add_error(None, ValidationError(error.messages, code=code))
            else:
                services.registration_confirm_send(
                    delegation=delegation, registration_url=_link(request, "register", token)
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
    return _private(render(request, "delegations/register.html", context))


@never_cache
@require_http_methods(["GET"])
def done(request, token):
    delegation, refused = _open(request, token, to_change=False)
    if refused:
        return refused
    context = {
        "delegation": delegation,
        "meeting": delegation.meeting,
        "participants": _participants(delegation),
        "can_change": not services.registration_refusal(delegation),
        "token": token,
    }
    return _private(render(request, "delegations/done.html", context))


@never_cache
@require_http_methods(["GET", "POST"])
def decline(request, token):
    delegation, refused = _open(request, token, to_change=True)
    if refused:
        return refused
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
    return _private(render(request, "delegations/decline.html", context))


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


@never_cache
@require_http_methods(["GET", "POST"])
def credentials(request, token):
    """The focal point sends the delegation's letter of credentials, and sees its state.

    Open while the link is active, even after the registration deadline: credentials
    often arrive at the last moment.
    """
    delegation, refused = _open(request, token, to_change=False)
    if refused:
        return refused
    current = Credentials.objects.filter(delegation=delegation).first()
    if request.method == "POST":
        form = CredentialsForm(request.POST, request.FILES)
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
        "form": form,
        "token": token,
    }
    return _private(render(request, "delegations/credentials.html", context))


@never_cache
@require_http_methods(["GET"])
def credentials_file(request, token):
    """The file the focal point sent, to its own delegation's link only."""
    delegation, refused = _open(request, token, to_change=False)
    if refused:
        return refused
    credentials = Credentials.objects.filter(delegation=delegation).first()
    if credentials is None:
        raise Http404(_("No credentials have been sent yet."))
    return _private(credentials_response(credentials))
