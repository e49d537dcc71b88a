"""A tiny URLconf for testing the page cache apart from any real page."""

import datetime

from django.http import HttpResponse
from django.urls import path
from django.utils import timezone

from delegations.models import Organization
from meetingsite.caching import cached_page, integer, iso_date

RENDERS = []


@cached_page
def organizations(request):
    RENDERS.append(request.path)
    names = ", ".join(Organization.objects.values_list("name", flat=True))
    return HttpResponse(names, content_type="text/plain; charset=utf-8")


@cached_page
def clock(request):
    RENDERS.append(request.path)
    response = HttpResponse(str(len(RENDERS)), content_type="text/plain")
    response.valid_until = timezone.now() + datetime.timedelta(seconds=60)
    return response


@cached_page(params=("item",))
def query(request):
    RENDERS.append(request.GET.urlencode())  # what the view sees
    return HttpResponse(request.GET.urlencode(), content_type="text/plain")


@cached_page(params={"day": iso_date, "n": integer(1, 9)})
def canonical(request):
    RENDERS.append(request.GET.urlencode())
    return HttpResponse(request.GET.urlencode(), content_type="text/plain")


urlpatterns = [
    path("canonical/", canonical),
    path("organizations/", organizations),
    path("query/", query),
    path("clock/", clock),
]
