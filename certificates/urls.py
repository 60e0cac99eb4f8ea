"""The student's certificate URLs, under /dashboard/certificates/ (see certificates.views)."""

from django.urls import path

from . import views

urlpatterns = [
    path("name/", views.holder_name, name="certificate_name"),
    path("transcript.pdf", views.transcript, name="certificate_transcript"),
    path("<str:code>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("<str:code>/credential.json", views.certificate_credential, name="certificate_credential"),
]
