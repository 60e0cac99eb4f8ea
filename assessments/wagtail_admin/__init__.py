"""Admin screens for instructors, registered with Wagtail by ``assessments.wagtail_hooks``.

``viewsets``: question banks, categories and assessments as snippets, narrowed
to the courses the person teaches. ``forms``: their forms and the rules an
author is told about. ``views``: the grading queue, regrading, an attempt's
detail, gradebooks and per-question statistics.
"""
