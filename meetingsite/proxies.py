"""The client's address behind the load balancer, for login throttling (django-axes)."""

from django.conf import settings


def client_ip(request):
    """The address of whoever sent the request, given PROXY_COUNT trusted proxies
    (AXES_PROXY_COUNT in the environment).

    Each proxy appends the address it received the request from to X-Forwarded-For, so
    with N proxies the client's address is the N-th entry from the right; anything to its
    left was written by the client and is not trusted. Without proxies, or when the header
    holds fewer entries than there are proxies (a request that did not pass them all),
    the address is the connection's own, REMOTE_ADDR.
    """
    count = settings.PROXY_COUNT
    remote_addr = request.META.get("REMOTE_ADDR", "")
    if not count:
        return remote_addr
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [hop for hop in forwarded if hop]
    if len(forwarded) < count:
        return remote_addr
    return forwarded[-count]
