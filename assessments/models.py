"""Models arrive with the assessments issue."""
