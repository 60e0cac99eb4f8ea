"""The bulk import of students into a cohort, in the Wagtail admin (registered on import)."""
