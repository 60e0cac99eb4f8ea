"""Enrolment lists, exports and decisions in the Wagtail admin (registered on import)."""
