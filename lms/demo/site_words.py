"""The demo's home page, catalogue page and themes in French, Spanish, Portuguese, Russian and Arabic.

The home and catalogue pages get published translations of their own title
and introduction (courses.services.page_translation_save, as a translator
would publish them), so a reader in any of these languages sees headings in
their language at ``/`` and ``/catalogue/``; until then the translated
courses' trees only hold aliases of them, which repeat the English. Each
theme gets a translation (same slug, name and description in the language),
as "Translate" in the themes list makes one; courses keep pointing at the
English source theme. What exists is kept as it is: loading twice adds nothing.
"""

from django.conf import settings
from django.db import transaction

from wagtail.models import Locale

from courses.api import CatalogueIndexPage, HomePage, Theme, content_language, page_translation_save, source_only

# language: {page type: (title, introduction)}
SITE_PAGES = {
    "fr": {
        "home": (
            "Formation militaire professionnelle en ligne",
            "<p>Des cours sur les relations civilo-militaires, la réforme du secteur de la sécurité et "
            "l'interopérabilité, pour les officiers et les responsables civils de tous les pays.</p>",
        ),
        "catalogue": (
            "Catalogue des cours",
            "<p>Choisissez un cours par thème, niveau ou langue, ou faites une recherche dans le catalogue.</p>",
        ),
    },
    "es": {
        "home": (
            "Formación militar profesional en línea",
            "<p>Cursos sobre relaciones cívico-militares, reforma del sector de la seguridad e "
            "interoperabilidad para oficiales y funcionarios de todos los países.</p>",
        ),
        "catalogue": (
            "Catálogo de cursos",
            "<p>Elija un curso por tema, nivel o idioma, o busque en el catálogo.</p>",
        ),
    },
    "pt": {
        "home": (
            "Formação militar profissional online",
            "<p>Cursos sobre relações civis-militares, reforma do setor de segurança e interoperabilidade "
            "para oficiais e funcionários de todos os países.</p>",
        ),
        "catalogue": (
            "Catálogo de cursos",
            "<p>Escolha um curso por tema, nível ou idioma, ou pesquise no catálogo.</p>",
        ),
    },
    "ru": {
        "home": (
            "Профессиональное военное образование онлайн",
            "<p>Курсы по гражданско-военным отношениям, реформе сектора безопасности и оперативной "
            "совместимости для офицеров и гражданских должностных лиц из разных стран.</p>",
        ),
        "catalogue": (
            "Каталог курсов",
            "<p>Выберите курс по теме, уровню или языку либо воспользуйтесь поиском по каталогу.</p>",
        ),
    },
    "ar": {
        "home": (
            "التعليم العسكري المهني عبر الإنترنت",
            "<p>مقررات في العلاقات المدنية العسكرية وإصلاح قطاع الأمن وقابلية التشغيل البيني، "
            "موجّهة إلى الضباط والمسؤولين المدنيين من مختلف البلدان.</p>",
        ),
        "catalogue": (
            "دليل المقررات",
            "<p>اختر مقررًا حسب المحور أو المستوى أو اللغة، أو ابحث في الدليل.</p>",
        ),
    },
}

# theme slug: {language: (name, description)}; the English source is seed_demo.THEMES.
THEMES = {
    "civil-military-relations": {
        "fr": ("Relations civilo-militaires", "Le contrôle civil démocratique et la profession militaire."),
        "es": ("Relaciones cívico-militares", "El control civil democrático y la profesión militar."),
        "pt": ("Relações civis-militares", "O controle civil democrático e a profissão militar."),
        "ru": ("Гражданско-военные отношения", "Демократический гражданский контроль и военная профессия."),
        "ar": ("العلاقات المدنية العسكرية", "السيطرة المدنية الديمقراطية والمهنة العسكرية."),
    },
    "governance-ssr": {
        "fr": ("Gouvernance et réforme du secteur de la sécurité", "Une sécurité responsable, efficace et abordable."),
        "es": ("Gobernanza y reforma del sector de la seguridad", "Una seguridad responsable, eficaz y asequible."),
        "pt": ("Governança e reforma do setor de segurança", "Uma segurança responsável, eficaz e sustentável."),
        "ru": (
            "Управление и реформа сектора безопасности",
            "Подотчётная, эффективная и доступная по средствам безопасность.",
        ),
        "ar": ("الحوكمة وإصلاح قطاع الأمن", "أمن خاضع للمساءلة وفعّال وميسور التكلفة."),
    },
    "doctrine-interoperability": {
        "fr": ("Doctrine et interopérabilité", "Agir ensemble : doctrine, normes, exercices."),
        "es": ("Doctrina e interoperabilidad", "Trabajar juntos: doctrina, normas, ejercicios."),
        "pt": ("Doutrina e interoperabilidade", "Trabalhar em conjunto: doutrina, normas, exercícios."),
        "ru": ("Доктрина и оперативная совместимость", "Совместные действия: доктрина, стандарты, учения."),
        "ar": ("العقيدة وقابلية التشغيل البيني", "العمل المشترك: العقيدة والمعايير والتمارين."),
    },
    "export-controls": {
        "fr": (
            "Contrôle des exportations et suivi de l'utilisation finale",
            "Des transferts responsables d'armes et de technologies.",
        ),
        "es": (
            "Control de exportaciones y verificación del uso final",
            "Transferencias responsables de armas y tecnología.",
        ),
        "pt": (
            "Controle de exportações e monitoramento do uso final",
            "Transferências responsáveis de armas e tecnologia.",
        ),
        "ru": (
            "Экспортный контроль и контроль конечного использования",
            "Ответственная передача вооружений и технологий.",
        ),
        "ar": ("ضوابط التصدير ورصد الاستخدام النهائي", "نقل مسؤول للأسلحة والتكنولوجيا."),
    },
    "human-rights-accountability": {
        "fr": ("Droits humains et redevabilité", "Conditionnalité, contrôle des antécédents et voies de recours."),
        "es": (
            "Derechos humanos y rendición de cuentas",
            "Condicionalidad, verificación de antecedentes y reparación.",
        ),
        "pt": ("Direitos humanos e prestação de contas", "Condicionalidade, verificação de antecedentes e reparação."),
        "ru": ("Права человека и подотчётность", "Обусловленность помощи, проверка кадров и средства защиты прав."),
        "ar": ("حقوق الإنسان والمساءلة", "المشروطية والتدقيق في السجلات وسبل الانتصاف."),
    },
}


def _has_translation(page, language: str) -> bool:
    """A real translation (not the alias a translated course's tree makes of its parents)."""
    return (
        type(page)
        .objects.filter(translation_key=page.translation_key, locale__language_code=language, alias_of__isnull=True)
        .exists()
    )


@transaction.atomic
def site_pages_load() -> int:
    """Publish the home and catalogue pages' translations that are missing; returns how many were new."""
    home = source_only(HomePage.objects.all()).order_by("path").first()
    catalogue = source_only(CatalogueIndexPage.objects.all()).order_by("path").first()
    created = 0
    for language, pages in SITE_PAGES.items():
        if content_language(language) != language:
            continue  # a language this site does not offer
        # The home page first: the catalogue's translation is made below the home page's.
        for page, key in ((home, "home"), (catalogue, "catalogue")):
            if page is None or _has_translation(page, language):
                continue
            title, intro = pages[key]
            page_translation_save(source=page, language=language, fields={"title": title, "intro": intro})
            created += 1
    return created


@transaction.atomic
def themes_load() -> int:
    """Translate the source themes the demo knows into each language, where not done yet; returns how many."""
    created = 0
    default = content_language(settings.LANGUAGE_CODE)
    sources = {theme.slug: theme for theme in Theme.objects.filter(locale__language_code=default)}
    for slug, languages in THEMES.items():
        source = sources.get(slug)
        if source is None:
            continue
        for language, (name, description) in languages.items():
            if content_language(language) != language:
                continue
            locale, _created = Locale.objects.get_or_create(language_code=language)
            if source.has_translation(locale):
                continue
            translation = source.copy_for_translation(locale)
            translation.name, translation.description = name, description
            translation.full_clean()
            translation.save()
            created += 1
    return created
