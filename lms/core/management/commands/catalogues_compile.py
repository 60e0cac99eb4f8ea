"""Compile the interface's translation catalogues (locale/*/LC_MESSAGES/django.po) into .mo files.

``make run`` and ``make test`` run it. It uses polib (a dependency of wagtail-localize) rather than
Django's compilemessages, which needs GNU gettext's msgfmt on the machine. Fuzzy entries are left
out, as msgfmt leaves them out; the catalogue test (tests/test_translation_catalogues.py) fails on
any anyway.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

import polib


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/django.po into .mo files (no GNU gettext needed)."

    def handle(self, *args, **options):
        compiled = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                try:
                    catalogue = polib.pofile(str(po_path))
                except (OSError, ValueError) as error:
                    raise CommandError(f"{po_path}: {error}") from error
                for entry in catalogue.fuzzy_entries():
                    catalogue.remove(entry)
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                compiled += 1
        if options["verbosity"]:
            self.stdout.write(f"Compiled {compiled} translation catalogues.")
