"""What every page reached through a delegation's private link does, in one place.

Registration, its confirmation, the decline, the credentials and the speakers' lists are
all opened by the token in their URL. ``private_link`` finds the delegation by the token's
digest, refuses unknown links (404), revoked ones (410, showing nothing of the delegation)
and, for pages that change the registration, a closed registration (shown read-only, a
POST answered 403); it marks every answer never-cached and sends the same headers.
"""

from functools import wraps

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import services
from .models import Delegation, Participant

# "same-origin", not "no-referrer": the link never leaves for another site either way, but
# with "no-referrer" browsers send "Origin: null" on the page's own forms, and Django's
# CSRF check refuses every POST ("Origin checking failed - null").
PRIVATE_HEADERS = {"Referrer-Policy": "same-origin", "X-Robots-Tag": "noindex, nofollow"}


def listed_participants(delegation):
    return list(Participant.objects.filter(delegation=delegation).listed())


def refused(request, delegation, *, status, token=None):
    """The page for a link that is unknown, revoked or closed (``token``, when known, links
    the pages that still work: the credentials)."""
    if delegation is None:
        reason = _("This registration link is not valid. Check that you copied all of it.")
    else:
        reason = services.registration_refusal(delegation)
    context = {"delegation": delegation, "reason": reason, "token": token}
    if delegation is not None and delegation.link_active:
        # Closed by the deadline or a withdrawal: the focal point still sees what is
        # registered. A revoked link shows nothing of the delegation.
        context["show_registration"] = True
        context["participants"] = listed_participants(delegation)
    return render(request, "delegations/closed.html", context, status=status)


def _opened(request, token, *, to_change):
    """The link's delegation and None, or None and the response that refuses it."""
    delegation = Delegation.objects.for_token(token)
    if delegation is None:
        return None, refused(request, None, status=404)
    if not delegation.link_active:
        return None, refused(request, delegation, status=410)
    if to_change and services.registration_refusal(delegation):
        status = 403 if request.method == "POST" else 200
        return None, refused(request, delegation, status=status, token=token)
    return delegation, None


def private_link(view=None, *, to_change=False, methods=("GET",)):
    """Decorate a view reached by ``<token>/…``; it is called as ``view(request, delegation,
    token, **kwargs)`` once the link is known and open.

    ``to_change``: the page changes the registration, so it is refused (read-only) once
    registration is closed. ``methods``: the HTTP methods it answers.
    """

    def decorator(view):
        @require_http_methods(list(methods))
        def opened(request, token, *args, **kwargs):
            delegation, response = _opened(request, token, to_change=to_change)
            if response is not None:
                return response
            return view(request, delegation, token, *args, **kwargs)

        @never_cache
        @wraps(view)
        def wrapper(request, token, *args, **kwargs):
            response = opened(request, token, *args, **kwargs)
            for header, value in PRIVATE_HEADERS.items():
                response[header] = value
            return response

        return wrapper

    return decorator if view is None else decorator(view)
