"""How django-axes names an account when it counts failed sign-ins."""


def lockout_username(request, credentials):
    """Emails are case-insensitive here, so failures count per lower-cased address.

    Without this, "Student@x" and "student@x" would be counted apart and an
    attacker could multiply their guesses by varying the case.
    """
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return raw.strip().lower()
