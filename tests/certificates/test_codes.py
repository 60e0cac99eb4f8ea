"""Verification codes: unguessable, typable, and a typo is caught by the check symbol."""

import re

from certificates.codes import ALPHABET, RANDOM_SYMBOLS, code_generate, code_normalize


def test_a_code_has_95_random_bits_in_groups_of_four_with_a_check_symbol():
    assert RANDOM_SYMBOLS * 5 >= 80
    codes = {code_generate() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){4}[0-9A-HJKMNP-TV-Z]{4}", code)
        assert code_normalize(code) == code


def test_a_code_typed_in_lower_case_with_spaces_or_look_alikes_is_understood():
    code = code_generate()
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert code_normalize(typed) == code
    assert code_normalize(" " + code.replace("-", "") + " ") == code


def test_every_single_wrong_symbol_is_caught():
    code = code_generate().replace("-", "")
    for position in range(len(code)):
        for symbol in ALPHABET:
            if symbol != code[position]:
                assert code_normalize(code[:position] + symbol + code[position + 1 :]) is None


def test_swapping_two_neighbours_is_caught_except_zero_and_z():
    for _ in range(200):
        code = code_generate().replace("-", "")
        for position in range(len(code) - 1):
            a, b = code[position], code[position + 1]
            if a == b or {a, b} == {"0", "Z"}:
                continue
            swapped = code[:position] + b + a + code[position + 2 :]
            assert code_normalize(swapped) is None, (code, position)


def test_wrong_lengths_and_foreign_symbols_are_not_codes():
    code = code_generate()
    for text in ("", code[:-1], code + "A", code.replace(code[0], "U", 1), "<script>", "x" * 10_000):
        assert code_normalize(text) is None
