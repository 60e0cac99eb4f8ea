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

        from django.db.models.signals import post_delete, post_save

        from wagtail.models import PageViewRestriction, Site

        from .pagecache import content_changed_receiver as changed

        # Cached pages and routes carry the site and view restrictions: any change starts afresh.
        for model in (PageViewRestriction, Site):
            post_save.connect(changed, sender=model, dispatch_uid=f"core_content_changed_save_{model.__name__}")
            post_delete.connect(changed, sender=model, dispatch_uid=f"core_content_changed_delete_{model.__name__}")
