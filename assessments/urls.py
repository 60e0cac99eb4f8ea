"""The student's side of assessments, under /assessments/ (see assessments.views)."""

from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("<int:assessment_id>/", views.assessment_detail, name="detail"),
    path("<int:assessment_id>/start/", views.assessment_start, name="start"),
    path("attempts/<int:attempt_id>/", views.attempt_detail, name="attempt"),
    path("attempts/<int:attempt_id>/answers/", views.attempt_answer, name="answer"),
    path("attempts/<int:attempt_id>/submit/", views.attempt_submit_confirm, name="submit"),
    path("attempts/<int:attempt_id>/result/", views.attempt_result, name="result"),
]
