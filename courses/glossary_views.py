"""The public glossary page (``/glossary/``): every term in the reader's language, alphabetically."""

from itertools import groupby

from django.shortcuts import render
from django.urls import path

from .selectors.glossary import glossary_collation_key, glossary_for_language, glossary_sorted
from .selectors.translation import content_language, default_language, language_direction


def glossary_page(request):
    language = content_language() or default_language()
    entries = glossary_sorted(glossary_for_language(language))
    groups = [
        {"letter": letter, "anchor": f"letter-{index}", "entries": list(group)}
        for index, (letter, group) in enumerate(
            groupby(entries, key=lambda entry: glossary_collation_key(entry.term)[0][:1].upper())
        )
    ]
    context = {
        "groups": groups,
        "language": language,
        "language_direction": language_direction(language),
        "count": len(entries),
    }
    return render(request, "courses/glossary_page.html", context)


urlpatterns = [path("", glossary_page, name="glossary")]
