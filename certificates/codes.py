"""Verification codes: 95 random bits in Crockford's base 32, with a check character.

A code reads ``7KQ2-M9XD-4HTB-R1WZ-C8P3``: nineteen random symbols and one check
symbol, in groups of four. The alphabet leaves out I, L, O and U, so a code read
aloud or copied from paper is hard to get wrong; when it is typed, lower case,
spaces, dashes and the look-alikes (O for 0, I and L for 1) are accepted. The check
symbol is the Luhn mod N algorithm over the 32 symbols, which catches every
single wrong symbol and every swap of two neighbours but one (0 with Z).
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
RANDOM_SYMBOLS = 19  # 19 symbols of 5 bits: 95 bits
GROUP = 4
LENGTH = RANDOM_SYMBOLS + 1


def _luhn_sum(symbols: str, *, doubled_first: bool) -> int:
    """Luhn mod 32 over the symbols from the right; the rightmost is doubled when ``doubled_first``."""
    total = 0
    factor = 2 if doubled_first else 1
    for symbol in reversed(symbols):
        addend = factor * _VALUE[symbol]
        total += addend // 32 + addend % 32
        factor = 3 - factor
    return total % 32


def _check_symbol(symbols: str) -> str:
    """The symbol that makes the whole string's Luhn sum divisible by 32 (it takes the undoubled place)."""
    return ALPHABET[(32 - _luhn_sum(symbols, doubled_first=True)) % 32]


def _is_valid(symbols: str) -> bool:
    return _luhn_sum(symbols, doubled_first=False) == 0


def code_format(symbols: str) -> str:
    return "-".join(symbols[i : i + GROUP] for i in range(0, len(symbols), GROUP))


def code_generate() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return code_format(body + _check_symbol(body))


def code_normalize(text: str) -> str | None:
    """The code in its printed form, or None when it cannot be one (wrong length, symbol or check)."""
    symbols = "".join(ch for ch in str(text).upper() if ch not in " -\u2010\u2011\u2012\u2013\u2014\t")
    symbols = symbols.translate(_LOOK_ALIKES)
    if len(symbols) != LENGTH or any(ch not in _VALUE for ch in symbols) or not _is_valid(symbols):
        return None
    return code_format(symbols)
