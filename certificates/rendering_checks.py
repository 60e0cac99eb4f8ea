"""What would make a template fail or print wrong, found when the author saves it, not in a task later.

A template is checked for placeholders nobody fills, images the renderer cannot
use (missing, corrupt, too large, SVG), and text in a script no installed font
prints (it would come out as empty boxes). ``CertificateTemplate.clean()`` runs
these checks on the template's own fields; the admin form
(``certificates.wagtail_admin.templates``) runs them on the signatories' images,
which the model's ``clean()`` cannot see before the inline forms are saved.
"""

import unicodedata
import warnings

from django.conf import settings
from django.utils.translation import gettext as _

from .fonts import pillow_strict_again, text_unsupported

TEXT_FIELDS = ("title", "wording", "second_title", "second_wording")
IMAGE_FIELDS = ("logo", "background")


def _character_names(chars: set[str]) -> str:
    shown = sorted(chars)[:5]
    names = ", ".join(f"“{ch}” (U+{ord(ch):04X} {unicodedata.name(ch, '').title()})".replace(" )", ")") for ch in shown)
    return names + (" …" if len(chars) > len(shown) else "")


def text_problem(text: str) -> str | None:
    """A message when some character of ``text`` has no installed font (it would print as a box)."""
    missing = text_unsupported(text or "")
    if not missing:
        return None
    return _(
        "Missing font: no font installed for certificates can print %(characters)s. "
        "Remove these characters or ask an administrator to install a font for this script."
    ) % {"characters": _character_names(missing)}


def image_problem(image) -> str | None:
    """A message when ``image`` cannot go on a certificate: missing, not a raster image, corrupt, too large."""
    if image is None:
        return None
    from PIL import Image as PillowImage

    title = image.title
    name = (image.file.name or "").lower()
    if name.endswith((".svg", ".svgz")):
        return _("“%(title)s” is an SVG image; certificates take PNG, JPEG or WebP images.") % {"title": title}
    try:
        size = image.file.size
    except (OSError, ValueError):
        return _("The file of “%(title)s” is missing from storage; upload it again.") % {"title": title}
    if size > settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE:
        return _("“%(title)s” is %(size).1f MB; images on certificates may be at most %(limit)d MB.") % {
            "title": title,
            "size": size / 1024 / 1024,
            "limit": settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE // 1024 // 1024,
        }
    try:
        with warnings.catch_warnings(), image.file.open("rb") as handle:
            # The pixel count is checked below, before any pixel is decoded.
            warnings.simplefilter("ignore", PillowImage.DecompressionBombWarning)
            head = handle.read(512)
            handle.seek(0)
            if b"<svg" in head.lower():
                return _("“%(title)s” is an SVG image; certificates take PNG, JPEG or WebP images.") % {"title": title}
            with PillowImage.open(handle) as picture:
                width, height = picture.size
                if width * height > settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS:
                    return _(
                        "“%(title)s” is %(width)d by %(height)d pixels; images on certificates may have at most "
                        "%(limit)d million pixels."
                    ) % {
                        "title": title,
                        "width": width,
                        "height": height,
                        "limit": settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS // 1_000_000,
                    }
                picture.verify()  # structure and checksums
            handle.seek(0)
            pillow_strict_again()  # WeasyPrint, once imported, would let a truncated file load
            with PillowImage.open(handle) as picture:
                picture.load()  # and the pixels themselves: a truncated JPEG passes verify()
    except PillowImage.DecompressionBombError:
        return _("“%(title)s” is too large to print.") % {"title": title}
    except (OSError, SyntaxError, ValueError) as error:
        return _("“%(title)s” is not a readable image (%(error)s); upload it again.") % {
            "title": title,
            "error": error,
        }
    return None


def template_problems(template, *, signatories: bool = True) -> dict[str, str]:
    """Field name → message for everything that would stop ``template`` printing right.

    ``signatories`` False leaves out the signatories' images (the model's ``clean()``
    cannot see unsaved inline forms; the admin form checks those). Their problems are
    keyed ``signatories-<n>-signature``, n counting from 0 in the template's order.
    """
    from .models.templates import PLACEHOLDERS, placeholders_unknown

    problems: dict[str, str] = {}
    for field in TEXT_FIELDS:
        text = getattr(template, field, "") or ""
        unknown = placeholders_unknown(text)
        if unknown:
            problems[field] = _("Unknown placeholder: %(names)s. Use one of: %(known)s.") % {
                "names": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            }
            continue
        message = text_problem(text)
        if message:
            problems[field] = message
    for field in IMAGE_FIELDS:
        message = image_problem(getattr(template, field, None))
        if message:
            problems[field] = message
    if signatories:
        for index, signatory in enumerate(template.signatories.all()):
            message = image_problem(signatory.signature)
            if message:
                problems[f"signatories-{index}-signature"] = message
            for field in ("name", "title"):
                message = text_problem(getattr(signatory, field, ""))
                if message:
                    problems[f"signatories-{index}-{field}"] = message
    return problems
