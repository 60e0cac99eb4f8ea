"""Certificate templates in the admin: who may do what, the live PDF preview, and save-time refusals."""

import io

from django.urls import reverse

from wagtail.images import get_image_model
from wagtail.test.utils.form_data import inline_formset, nested_form_data

import pytest
from PIL import Image as PillowImage

from certificates.models import CertificateTemplate

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (400, 160), (20, 40, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def _form(signatories, **fields):
    data = {
        "name": "Bilingual",
        "language": "en",
        "title": "Certificate of completion",
        "wording": "{holder} completed {course} on {date}.",
        "second_language": "ar",
        "second_title": "شهادة إتمام",
        "second_wording": "أتم {holder} الدورة",
        "page_size": "A4",
        "orientation": "landscape",
        "signatories": inline_formset(signatories, min=1, max=4),
    }
    data.update(fields)
    return nested_form_data(data)


def _url(action, *args):
    return reverse(f"wagtailsnippets_certificates_certificatetemplate:{action}", args=args)


def test_template_admin_listing_and_forms_for_an_administrator(client, admin_user, default_template):
    client.force_login(admin_user)
    assert client.get(_url("list")).status_code == 200
    response = client.get(_url("add"))
    assert response.status_code == 200
    # The edit screen frames its own preview (Wagtail's preview panel).
    assert "frame-src" in response["Content-Security-Policy"]
    assert "'self'" in response["Content-Security-Policy"].split("frame-src")[1].split(";")[0]
    default = default_template
    assert client.get(_url("edit", default.pk)).status_code == 200


def test_template_admin_program_managers_view_only_instructors_nothing(client, manager, instructor, default_template):
    default = default_template
    client.force_login(manager)
    assert client.get(_url("list")).status_code == 200
    assert client.get(_url("inspect", default.pk)).status_code == 200
    assert client.get(_url("add")).status_code in (302, 403)
    assert client.post(_url("edit", default.pk), _form([{"name": "X", "title": "Y"}])).status_code in (302, 403)
    client.force_login(instructor)
    assert client.get(_url("list")).status_code in (302, 403)


def test_template_admin_preview_is_the_pdf_for_a_sample_student(client, admin_user, default_template):
    client.force_login(admin_user)
    default = default_template
    preview = reverse("wagtailsnippets_certificates_certificatetemplate:preview_on_edit", args=[default.pk])
    posted = client.post(preview, _form([{"name": "Jane Roe", "title": "Dean of Academics"}]))
    assert posted.status_code == 200 and posted.json()["is_valid"] is True
    response = client.get(preview)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'src="data:application/pdf;base64,' in page
    assert "Nguyễn Thị Minh Khai" in page  # the sample student
    # This response only: framed by the admin, framing a data: PDF.
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "'none'" not in policy.split("frame-ancestors")[1].split(";")[0]
    assert "data:" in policy.split("frame-src")[1].split(";")[0]
    # The site's policy elsewhere is unchanged.
    assert "frame-ancestors 'none'" in client.get("/")["Content-Security-Policy"]


def test_template_admin_save_refuses_unknown_placeholder_and_missing_font(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        _url("add"),
        _form([{"name": "Jane Roe", "title": "Dean"}], wording="Well done {student}", second_title="𐽰𐽱"),
    )
    assert response.status_code == 200  # the form again, with errors
    errors = response.context["form"].errors
    assert "Unknown placeholder: {student}" in errors["wording"][0]
    assert errors["second_title"][0].startswith("Missing font")
    assert not CertificateTemplate.objects.filter(name="Bilingual").exists()


def test_template_admin_save_refuses_a_corrupt_signature_image(client, admin_user):
    client.force_login(admin_user)
    Image = get_image_model()
    good = Image.objects.create(title="Signature", file=_image_file())
    bad = Image.objects.create(title="Scanned signature", file=_image_file())
    bad.get_rendition("max-165x165")  # the admin's thumbnail, made when it was uploaded and listed
    with open(bad.file.path, "wb") as damaged:  # damaged in storage after a good upload
        damaged.write(_png()[:100])
    response = client.post(
        _url("add"),
        _form(
            [
                {"name": "Jane Roe", "title": "Dean", "signature": good.pk},
                {"name": "John Doe", "title": "Registrar", "signature": bad.pk},
            ]
        ),
    )
    assert response.status_code == 200
    formset = response.context["form"].formsets["signatories"]
    assert "“Scanned signature” is not a readable image" in formset.forms[1].errors["signature"][0]
    assert not formset.forms[0].errors
    assert not CertificateTemplate.objects.filter(name="Bilingual").exists()

    # With a readable image, the same template saves.
    response = client.post(_url("add"), _form([{"name": "Jane Roe", "title": "Dean", "signature": good.pk}]))
    assert response.status_code == 302
    saved = CertificateTemplate.objects.get(name="Bilingual")
    assert [s.name for s in saved.signatories.all()] == ["Jane Roe"]


def _image_file():
    from django.core.files.images import ImageFile

    return ImageFile(io.BytesIO(_png()), name="signature.png")
