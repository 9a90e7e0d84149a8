"""Who is asking: the client address that login throttling counts failures against."""

from django.conf import settings


def client_ip(request):
    """The address of the client, not of the proxy in front of smmdash.

    Only the proxy's own entry, the last one in X-Forwarded-For, is believed: anything before
    it came from the client and may be made up. Without a proxy the header is ignored.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR")
