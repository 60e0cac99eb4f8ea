"""The default certificate template's wording in the platform's other languages, for the demo.

A holder whose profile language is one of these gets a certificate in it (docs/certificates.md).
Loaded only while the template still has the wording it was made with: a template an
administrator has reworded is left for a translator.
"""

from certificates.api import CertificateTemplate, template_translation_save

ENGLISH = (
    "Certificate of completion",
    "This certifies that {holder} has completed the course {course} ({hours} hours) on {date}.",
)

# Numbers of hours are written so that no plural form of the noun depends on them.
WORDING = {
    "fr": (
        "Certificat de réussite",
        "Le présent certificat atteste que {holder} a achevé le cours {course} ({hours} heures) le {date}.",
    ),
    "es": (
        "Certificado de finalización",
        "Se certifica que {holder} ha completado el curso {course} ({hours} horas) el {date}.",
    ),
    "pt": (
        "Certificado de conclusão",
        "Certifica-se que {holder} concluiu o curso {course} ({hours} horas) em {date}.",
    ),
    "ru": (
        "Сертификат об окончании курса",  # noqa: RUF001 - Russian, meant
        "Настоящим удостоверяется, что {holder} завершил(а) курс «{course}» (количество часов: {hours}) {date}.",  # noqa: RUF001
    ),
    "ar": (
        "شهادة إتمام",
        "تشهد هذه الوثيقة بأنّ {holder} قد أتمّ المقرر «{course}» (عدد الساعات: {hours}) بتاريخ {date}.",
    ),
}


def certificate_wording_load() -> int:
    """Translate the default template into each language it lacks; how many translations were made."""
    template = CertificateTemplate.objects.filter(is_default=True).first()
    if template is None or (template.title, template.wording) != ENGLISH:
        return 0
    have = set(template.translations.values_list("language", flat=True))
    made = 0
    for language, (title, wording) in WORDING.items():
        if language not in have:
            template_translation_save(template=template, language=language, title=title, wording=wording)
            made += 1
    return made
