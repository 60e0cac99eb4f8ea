"""Admin screens for learner state, registered with Wagtail by ``courses.wagtail_hooks``.

``enrolments``: lists of enrolled students per course and cohort, exports,
decisions on requests. ``imports``: the bulk import of students into a cohort.
"""
