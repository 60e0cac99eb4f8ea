"""The public glossary page (``/glossary/``): every term in the reader's language, alphabetically."""

from itertools import groupby

from django.shortcuts import render
from django.urls import path

from lms.core.text import index_letter

from .selectors.glossary import glossary_for_language, glossary_sorted
from .selectors.translation import content_language, default_language


def glossary_page(request):
    """Terms in the reader's language by letter; terms not yet translated (or approved) follow, in the original.

    The order is that language's dictionaries' (lms.core.text.collation_key): French é among the e's,
    Russian yo with ye and short i apart, Arabic alef with or without its hamza and the article set aside,
    Spanish ñ after n.
    """
    language = content_language() or default_language()
    entries = glossary_sorted(glossary_for_language(language))
    own = [entry for entry in entries if entry.language == language]
    groups = [
        {"letter": letter, "anchor": f"letter-{index}", "entries": list(group)}
        for index, (letter, group) in enumerate(groupby(own, key=lambda entry: index_letter(entry.term, language)))
    ]
    context = {
        "groups": groups,
        "untranslated": [entry for entry in entries if entry.language != language],
        "language": language,
        "count": len(entries),
    }
    return render(request, "courses/glossary_page.html", context)


urlpatterns = [path("", glossary_page, name="glossary")]
