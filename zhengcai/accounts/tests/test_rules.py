"""统一社会信用代码 (GB 32100-2015) check: rules.credit_code_problem / credit_code_check_char."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhengcai.accounts.rules import (
    CREDIT_CODE_ALPHABET,
    CREDIT_CODE_WEIGHTS,
    credit_code_check_char,
    credit_code_problem,
)

# A real, published code (the sample widely used to explain GB 32100-2015).
REAL_CODES = ["91350100M000100Y43"]

body17 = st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=17, max_size=17)


def reference_check_char(first17: str) -> str:
    """GB 32100-2015 §5, written out independently of the implementation."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [3**i % 31 for i in range(17)]
    check = 31 - sum(alphabet.index(ch) * wt for ch, wt in zip(first17, weights, strict=True)) % 31
    return alphabet[0 if check == 31 else check]


def test_alphabet_is_31_chars_without_i_o_z_s_v() -> None:
    assert len(CREDIT_CODE_ALPHABET) == 31
    assert len(set(CREDIT_CODE_ALPHABET)) == 31
    assert not set("IOZSV") & set(CREDIT_CODE_ALPHABET)


def test_weights_are_powers_of_three_mod_31() -> None:
    assert list(CREDIT_CODE_WEIGHTS) == [3**i % 31 for i in range(17)]
    assert CREDIT_CODE_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize("code", REAL_CODES)
def test_published_code_is_valid(code: str) -> None:
    assert credit_code_problem(code) is None


@pytest.mark.parametrize(
    "body",
    ["91330100MA27XYP01", "12330000470000000", "52110000500000000", "00000000000000000"],
)
def test_body_plus_computed_check_is_valid(body: str) -> None:
    code = body + credit_code_check_char(body)
    assert credit_code_problem(code) is None


def test_check_value_31_maps_to_zero() -> None:
    # All zeros: sum 0, 31 - 0 = 31 -> "0".
    assert credit_code_check_char("0" * 17) == "0"


@pytest.mark.parametrize(
    "code",
    ["", "9135010", "91350100M000100Y4", "91350100M000100Y430", "91350100M000100Y43" * 2],
)
def test_wrong_length(code: str) -> None:
    assert credit_code_problem(code) == "统一社会信用代码应为 18 位"


@pytest.mark.parametrize("bad", [*"IOZSV", "a", "-", " ", "中"])
def test_illegal_character(bad: str) -> None:
    code = "91350100M000100Y4" + bad
    problem = credit_code_problem(code)
    assert problem is not None
    assert problem.startswith("统一社会信用代码含非法字符")
    assert bad in problem


def test_illegal_characters_are_listed_once_sorted() -> None:
    assert credit_code_problem("9135O100M0I0O00Y43") == "统一社会信用代码含非法字符：IO"


@pytest.mark.parametrize("last", [ch for ch in CREDIT_CODE_ALPHABET if ch != "3"])
def test_wrong_check_char(last: str) -> None:
    assert credit_code_problem("91350100M000100Y4" + last) == "统一社会信用代码校验位错误"


def test_lowercase_is_not_accepted_by_the_rule() -> None:
    # The service upper-cases input; the rule itself is strict.
    assert credit_code_problem("91350100m000100y43") is not None


@given(body17)
def test_any_body_with_computed_check_is_valid(body: str) -> None:
    check = credit_code_check_char(body)
    assert check in CREDIT_CODE_ALPHABET
    assert check == reference_check_char(body)
    assert credit_code_problem(body + check) is None


@given(body17, st.sampled_from(CREDIT_CODE_ALPHABET))
def test_changing_the_check_char_makes_it_invalid(body: str, other: str) -> None:
    check = credit_code_check_char(body)
    if other == check:
        return
    assert credit_code_problem(body + other) == "统一社会信用代码校验位错误"


@given(body17, st.integers(min_value=0, max_value=16), st.sampled_from(CREDIT_CODE_ALPHABET))
def test_any_single_substitution_in_the_body_is_detected(body: str, pos: int, ch: str) -> None:
    """Weights are non-zero mod 31 (a prime): every single-character error changes the check."""
    if body[pos] == ch:
        return
    code = body + credit_code_check_char(body)
    altered = code[:pos] + ch + code[pos + 1 :]
    assert credit_code_problem(altered) == "统一社会信用代码校验位错误"
