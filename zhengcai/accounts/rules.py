"""Pure rules of the accounts app."""

from __future__ import annotations

# 统一社会信用代码 (GB 32100-2015): 18 characters from this alphabet (no I, O, Z, S, V);
# the 18th is a check character over the first 17 with these weights (mod 31).
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    total = sum(
        CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """None if `code` is a well-formed 统一社会信用代码, else the reason in Chinese."""
    if len(code) != 18:
        return "统一社会信用代码应为 18 位"
    bad = sorted({c for c in code if c not in CREDIT_CODE_ALPHABET})
    if bad:
        return f"统一社会信用代码含非法字符：{''.join(bad)}"
    if credit_code_check_char(code[:17]) != code[17]:
        return "统一社会信用代码校验位错误"
    return None
