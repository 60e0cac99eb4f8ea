"""Compile the interface's translation catalogues (locale/*/LC_MESSAGES/django.po) into .mo files.

``make run`` and ``make test`` run it. It uses polib (a dependency of wagtail-localize) rather than
Django's compilemessages, which needs GNU gettext's msgfmt on the machine. Fuzzy entries are left
out, as msgfmt leaves them out; the catalogue test (tests/test_translation_catalogues.py) fails on
any anyway.

It also fills a gap of the installed packages: some translate a language only in a regional
form (Wagtail's admin has Brazilian and European Portuguese, no "pt"), and gettext does not fall
back from "pt" to "pt_BR". For such a language it merges the packages' regional catalogues into
var/locale/<language>/, which settings.LOCALE_PATHS lists after the interface's own.
"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

import polib

# The platform's language, and the regional catalogues used, in order, where a package lacks it.
REGIONAL_FALLBACKS = {"pt": ("pt_BR", "pt_PT")}
DOMAINS = ("django", "djangojs")


def _own_catalogues():
    for locale_dir in settings.LOCALE_PATHS:
        yield from sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po"))


def _regional_catalogue(locale_dir: Path, language: str, domain: str) -> Path | None:
    """The regional catalogue a package's locale folder has for ``language``, when it has none of its own."""
    if (locale_dir / language / "LC_MESSAGES" / f"{domain}.mo").exists():
        return None
    for variant in REGIONAL_FALLBACKS[language]:
        candidate = locale_dir / variant / "LC_MESSAGES" / f"{domain}.mo"
        if candidate.exists():
            return candidate
    return None


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/django.po into .mo files (no GNU gettext needed)."

    def handle(self, *args, **options):
        compiled = 0
        for po_path in _own_catalogues():
            try:
                catalogue = polib.pofile(str(po_path))
            except (OSError, ValueError) as error:
                raise CommandError(f"{po_path}: {error}") from error
            for entry in catalogue.fuzzy_entries():
                catalogue.remove(entry)
            catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
            compiled += 1
        merged = self.regional_fallbacks_merge()
        if options["verbosity"]:
            self.stdout.write(f"Compiled {compiled} translation catalogues; merged {merged} regional ones.")

    def regional_fallbacks_merge(self) -> int:
        languages = {code for code, _name in settings.LANGUAGES}
        target_root = Path(settings.BASE_DIR) / "var" / "locale"
        merged = 0
        for language in sorted(REGIONAL_FALLBACKS.keys() & languages):
            for domain in DOMAINS:
                combined, seen = polib.MOFile(), set()
                # Installed apps in reverse: the first app wins in Django's merge, so it must here too.
                for config in reversed(list(apps.get_app_configs())):
                    source = _regional_catalogue(Path(config.path) / "locale", language, domain)
                    if source is None:
                        continue
                    catalogue = polib.mofile(str(source))
                    if not combined.metadata:
                        combined.metadata = dict(catalogue.metadata, Language=language)
                    for entry in catalogue:
                        key = (entry.msgctxt, entry.msgid)
                        if entry.msgid and key not in seen:
                            seen.add(key)
                            combined.append(entry)
                    merged += 1
                if len(combined):
                    target = target_root / language / "LC_MESSAGES" / f"{domain}.mo"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    combined.save(str(target))
        return merged
