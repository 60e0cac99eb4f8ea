"""StreamField blocks for module bodies. Each block has its own small template."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4", "blockquote"]

# Rendition specs used by module images; published pages have them made in
# advance (courses.services.page_renditions_warm).
MODULE_IMAGE_SPECS = ("width-480|format-webp", "width-960|format-webp")


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=200)
    level = blocks.ChoiceBlock(label=_("Level"), choices=[("h2", _("Section")), ("h3", _("Sub-section"))], default="h2")

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "courses/blocks/heading.html"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=250,
        required=False,
        help_text=_("What the image shows, for people who cannot see it. Leave empty for the image's own."),
    )
    caption = blocks.CharBlock(label=_("Caption"), max_length=300, required=False)

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "courses/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("Video URL"), help_text=_("A YouTube or Vimeo address."))
    caption = blocks.CharBlock(label=_("Caption"), max_length=300, required=False)
    transcript = blocks.TextBlock(label=pgettext_lazy("video transcript", "Transcript"), required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"


class ReadingBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document (PDF)"))
    title = blocks.CharBlock(label=_("Title"), max_length=200, required=False)
    note = blocks.TextBlock(label=_("Why to read it"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Reading")
        template = "courses/blocks/reading.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("note", _("Note")), ("important", _("Important")), ("discussion", _("Discussion"))],
        default="note",
    )
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link"])

    class Meta:
        icon = "info-circle"
        label = _("Callout")
        template = "courses/blocks/callout.html"


class KeyTermBlock(blocks.StructBlock):
    term = blocks.CharBlock(label=_("Term"), max_length=120)
    definition = blocks.TextBlock(label=_("Definition"))


class KeyTermsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120, required=False)
    terms = blocks.ListBlock(KeyTermBlock(), label=_("Terms"), min_num=1)

    class Meta:
        icon = "list-ul"
        label = _("Key terms")
        template = "courses/blocks/key_terms.html"


class CaseStudyBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    body = blocks.RichTextBlock(label=_("Case"), features=RICH_TEXT_FEATURES)
    questions = blocks.ListBlock(
        blocks.CharBlock(max_length=300), label=_("Questions for reflection"), required=False, default=[]
    )

    class Meta:
        icon = "clipboard-list"
        label = _("Case study")
        template = "courses/blocks/case_study.html"


class ModuleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES, template="courses/blocks/text.html")
    heading = HeadingBlock()
    image = CaptionedImageBlock()
    video = VideoBlock()
    reading = ReadingBlock()
    callout = CalloutBlock()
    key_terms = KeyTermsBlock()
    case_study = CaseStudyBlock()


class OutcomesBlock(blocks.StreamBlock):
    outcome = blocks.CharBlock(label=_("Learning outcome"), max_length=300)
