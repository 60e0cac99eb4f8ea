from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import course_list_live


@login_required
def dashboard(request):
    """The student's home. Enrolments, results and certificates join it as they are built."""
    return render(
        request,
        "courses/dashboard.html",
        {"suggested_courses": course_list_live().select_related("cover_image").prefetch_related("themes")[:3]},
    )
