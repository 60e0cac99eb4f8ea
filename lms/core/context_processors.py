from django.conf import settings
from django.utils.translation import get_language, get_language_bidi


def site(request):
    return {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "languages": settings.LANGUAGES,
        "current_language": get_language(),
        "text_direction": "rtl" if get_language_bidi() else "ltr",
    }
