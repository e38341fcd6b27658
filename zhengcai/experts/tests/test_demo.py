"""The demo seeder: past evaluations with ratings, two experts with a suggestion."""

from __future__ import annotations

from typing import Any

import pytest

from zhengcai.accounts import demo as accounts_demo
from zhengcai.accounts.models import User
from zhengcai.experts import access, demo, selectors, services
from zhengcai.experts.models import DrawRequest, ExpertRating


@pytest.mark.django_db
def test_demo_seeds_ratings_and_suggestions(clock: Any) -> None:
    ctx = accounts_demo.make_context("small", 1)
    accounts_demo.seed(ctx)
    demo.seed(ctx)
    assert ctx.counts["expert_ratings"] == ExpertRating.objects.count() == 30
    regulator = User.objects.get(username="regulator")
    found = selectors.suggested_experts(access.profiles_visible(regulator))
    assert len(found) == 2
    reasons = [r for s in found for r in s.reasons]
    assert any("缺席评审 2 次" in r for r in reasons) and any("投诉成立" in r for r in reasons)
    me = access.own_ratings(User.objects.get(username="expert"))
    assert me.count() == 6
    for draw in DrawRequest.objects.all():
        assert services.draw_verify(draw).ok
