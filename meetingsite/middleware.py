"""Requests no page can answer, refused before any view sees them."""

import urllib.parse

from django.template.response import TemplateResponse
from django.utils.translation import gettext as _


class RefuseNulMiddleware:
    """400 for a NUL character in the path or the query string.

    PostgreSQL refuses NUL in text, so a search (the desk's ``?q=``, the admin's
    changelists and autocomplete) or a link's token carrying one failed with a 500 there,
    while SQLite took it. No address of this site has a use for it, so it is refused here,
    once, for every view. Form data is left to the forms: every text field already refuses
    NUL with its own message beside the field ("Null characters are not allowed.").
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = urllib.parse.unquote_plus(request.META.get("QUERY_STRING", ""))
        if "\x00" in request.path_info or "\x00" in query:
            response = TemplateResponse(
                request,
                "bad_request.html",
                {"message": _("The address contains a null character, which no page accepts.")},
                status=400,
            )
            return response.render()
        return self.get_response(request)
