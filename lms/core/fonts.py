"""The font families every PDF of the platform is set in (certificates, transcripts, offline modules).

The set-up installs them (scripts/install-system-packages.sh); certificates/fonts.py checks that a
text can be printed with them. Here only their names, in the order Pango should try them, so
that any app may use them.
"""

# Each covers the scripts in its comment.
FAMILIES_SERIF = (
    "Noto Serif",  # Latin (Vietnamese included), Cyrillic, Greek
    "Noto Naskh Arabic",  # Arabic, Persian, Urdu
    "Noto Serif Hebrew",
    "Noto Serif Thai",
    "Noto Serif Devanagari",
)
# The CJK family per language; the first is the default for Han text of unknown language.
FAMILIES_CJK = {
    "zh": "Noto Serif CJK SC",
    "ja": "Noto Serif CJK JP",
    "ko": "Noto Serif CJK KR",
    "zh-hant": "Noto Serif CJK TC",
}
# Last resorts for symbols and anything the families above lack.
FAMILIES_FALLBACK = (
    "Noto Sans",
    "Noto Sans Arabic",
    "Noto Sans Hebrew",
    "Noto Sans Thai",
    "Noto Sans Devanagari",
    "Noto Sans Symbols",
    "Noto Sans Symbols2",
    "Noto Sans Math",
    "DejaVu Sans",
)
