"""``{% glossary page %}…{% endglossary %}``: module text with its glossary terms marked (courses.glossary)."""

from django import template
from django.utils.translation import get_language

from ..glossary import glossary_apply

register = template.Library()


class GlossaryNode(template.Node):
    def __init__(self, nodelist, page):
        self.nodelist, self.page = nodelist, page

    def render(self, context):
        html = self.nodelist.render(context)
        page = self.page.resolve(context)
        # The language of the words shown: a translation's own locale, or what page_for_reader chose.
        language = getattr(page, "content_language", None) or page.locale.language_code
        return glossary_apply(html, language, get_language())


@register.tag("glossary")
def do_glossary(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% glossary page %} takes the page whose text it encloses")
    nodelist = parser.parse(("endglossary",))
    parser.delete_first_token()
    return GlossaryNode(nodelist, parser.compile_filter(bits[1]))
