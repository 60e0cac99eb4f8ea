from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lms.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from django.conf import settings

        from PIL import Image

        # Pillow warns past its limit and refuses at twice it; hold it to ours so
        # no image bigger than uploads may be is ever decoded (decompression bombs).
        Image.MAX_IMAGE_PIXELS = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
