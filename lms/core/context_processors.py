from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_bidi

from . import pagecache


def site(request):
    return {
        "platform_name": settings.WAGTAIL_SITE_NAME,
        "languages": settings.LANGUAGES,
        "current_language": get_language(),
        "text_direction": "rtl" if get_language_bidi() else "ltr",
        # Read from the cache only by templates that cache fragments.
        "content_version": SimpleLazyObject(lambda: pagecache.current_version(request)),
    }
