"""``/.well-known/did.json``: the issuer's DID document, where verifiers find our public key.

Every credential names its issuer ``did:web:<host>``; the did:web method resolves
that to this address. The document lists only the public key, is the same for
everyone, and changes only when the key is rotated, so it is cacheable by anyone
(an hour) and readable from any origin: a verifier running in a browser on
another site must be able to fetch it. It needs no session, so the page cache,
CSRF and sign-in have nothing to do with it.
"""

import json

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

from .keys import did_document


@require_safe
def did_json(request):
    response = HttpResponse(json.dumps(did_document(), indent=2), content_type="application/json")
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    return response


# Included at /.well-known/ by lms.urls.
urlpatterns = [path("did.json", did_json, name="did_json")]
