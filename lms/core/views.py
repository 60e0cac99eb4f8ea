from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


def language_cookie_set(response, language: str):
    """Remember an interface language in the visitor's cookie (ignored unless enabled)."""
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
        )
    return response


@csrf_exempt  # It only sets a preference cookie; pages served from the anonymous cache carry no token.
@require_POST
def language_switch(request):
    """Remember the chosen interface language and go back where the visitor was.

    Reached through ``lms.accounts.views.language_switch``, which also saves a signed-in person's choice.
    """
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=False):
        next_url = "/"
    return language_cookie_set(HttpResponseRedirect(next_url), request.POST.get("language", ""))


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


def minimal(request):
    """The benchmark's yardstick (and a liveness check): the whole middleware stack and nothing else."""
    return HttpResponse(b"ok", content_type="text/plain")
