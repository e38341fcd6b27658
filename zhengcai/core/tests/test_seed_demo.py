"""`seed_demo`: deterministic from its seed, one account per role, refuses a non-empty DB."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from zhengcai.accounts.constants import OrgKind, Role
from zhengcai.accounts.demo import DEMO_PASSWORD
from zhengcai.accounts.models import Organization, User
from zhengcai.accounts.rules import credit_code_problem
from zhengcai.core.audit import verify_chain

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def snapshot_of_seed(seed: int) -> list[tuple[str, str, str, bool]]:
    """Seed inside a savepoint, read everything, roll back."""
    rows: list[tuple[str, str, str, bool]] = []
    try:
        with transaction.atomic():
            call_command("seed_demo", "--scale", "small", "--seed", str(seed), stdout=io.StringIO())
            rows = list(
                Organization.objects.order_by("credit_code").values_list(
                    "name", "credit_code", "region__code", "is_sme"
                )
            )
            raise Rollback
    except Rollback:
        pass
    return rows


def test_same_seed_same_data_other_seed_other_data() -> None:
    first = snapshot_of_seed(7)
    assert first and first == snapshot_of_seed(7)
    assert first != snapshot_of_seed(8)


def test_small_scale_has_every_role_valid_codes_and_an_intact_chain() -> None:
    out = io.StringIO()
    call_command("seed_demo", "--scale", "small", stdout=out)
    assert DEMO_PASSWORD in out.getvalue()
    for role in Role.values:
        user = User.objects.filter(
            role=role,
            username__in=[
                "admin",
                "regulator",
                "purchaser",
                "agency",
                "supplier",
                "expert",
                "supervisor",
            ],
        ).first()
        assert user is not None, role
        assert user.check_password(DEMO_PASSWORD)
    assert Organization.objects.filter(kind=OrgKind.SUPPLIER).count() == 150
    assert all(
        credit_code_problem(c) is None
        for c in Organization.objects.values_list("credit_code", flat=True)
    )
    assert verify_chain().ok


def test_refuses_non_empty_database_unless_if_empty() -> None:
    call_command("seed_demo", "--scale", "small", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("seed_demo", "--scale", "small", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo", "--scale", "small", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue()
    assert Organization.objects.filter(kind=OrgKind.SUPPLIER).count() == 150
