"""Forms of the evaluation pages: parsing and presence checks only. The rules (who may act,
what is lawful, what a score may be) live in `evaluation.services` and `evaluation.rules`;
these forms keep the user's input when a service refuses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from zhengcai.accounts.models import User
from zhengcai.evaluation import constants as c
from zhengcai.evaluation.models import Member, ReviewedBid
from zhengcai.experts.models import DrawRequest

YES_NO = [("0", "无利害关系"), ("1", "存在利害关系，申请回避")]


class OpenForm(forms.Form):
    """Agency: open the evaluation of one lot from a completed draw (87号令 47)."""

    draw = forms.ModelChoiceField(queryset=DrawRequest.objects.none(), label="专家抽取")
    purchaser_reps = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="采购人代表",
    )

    def __init__(
        self,
        *args: Any,
        draws: QuerySet[DrawRequest],
        reps: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["draw"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = draws
        field.label_from_instance = lambda d: (  # type: ignore[method-assign,assignment]
            f"#{d.pk} {d.project_name}（{d.evaluation_at:%Y-%m-%d %H:%M}，专家 {d.count} 名）"
        )
        reps_field = self.fields["purchaser_reps"]
        assert isinstance(reps_field, forms.ModelMultipleChoiceField)
        reps_field.queryset = reps
        reps_field.label_from_instance = lambda u: u.get_full_name()  # type: ignore[method-assign,assignment]


class DeclareForm(forms.Form):
    """回避声明 and 承诺书 (条例 9; 87号令 48)."""

    conflict = forms.ChoiceField(
        choices=YES_NO, widget=forms.RadioSelect, initial="0", label="回避声明"
    )
    note = forms.CharField(
        required=False,
        max_length=500,
        label="说明",
        widget=forms.Textarea(attrs={"rows": 2, "style": "width:100%"}),
    )
    pledge = forms.BooleanField(
        label="本人承诺：遵守评审工作纪律，独立、客观、公正地履行评审职责，不泄露评审情况",
        error_messages={"required": "请阅读并勾选承诺书"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("conflict") == "1" and not (data.get("note") or "").strip():
            self.add_error("note", "申报利害关系时请说明具体情形")
        return data


class ChairForm(forms.Form):
    member = forms.ModelChoiceField(queryset=Member.objects.none(), label="评审组长")

    def __init__(self, *args: Any, members: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = members
        field.label_from_instance = lambda m: (  # type: ignore[method-assign,assignment]
            f"{m.user.get_full_name()}（{m.get_kind_display()}）"
        )


class ReviewForm(forms.Form):
    """One verdict per bid: 通过 / 不通过, a reason for every 不通过 (87号令 50)."""

    def __init__(
        self,
        *args: Any,
        bids: Sequence[ReviewedBid],
        initial_checks: dict[int, tuple[bool, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.bids = list(bids)
        initial_checks = initial_checks or {}
        for rb in self.bids:
            prev = initial_checks.get(rb.pk)
            self.fields[f"v_{rb.pk}"] = forms.ChoiceField(
                choices=[("passed", "通过"), ("failed", "不通过")],
                widget=forms.RadioSelect,
                label=rb.supplier.name,
                initial=None if prev is None else ("passed" if prev[0] else "failed"),
                error_messages={"required": "请选择审查结论"},
            )
            self.fields[f"r_{rb.pk}"] = forms.CharField(
                required=False,
                max_length=1000,
                label="理由",
                initial="" if prev is None else prev[1],
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for rb in self.bids:
            if data.get(f"v_{rb.pk}") == "failed" and not (data.get(f"r_{rb.pk}") or "").strip():
                self.add_error(f"r_{rb.pk}", "不通过的须写明理由")
        return data

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"bid": rb, "verdict": self[f"v_{rb.pk}"], "reason": self[f"r_{rb.pk}"]}
            for rb in self.bids
        ]

    def verdicts(self) -> Iterable[tuple[ReviewedBid, bool, str]]:
        for rb in self.bids:
            yield (
                rb,
                self.cleaned_data[f"v_{rb.pk}"] == "passed",
                self.cleaned_data[f"r_{rb.pk}"].strip(),
            )


class ScoreForm(forms.Form):
    """A member's sheet for one bid: one score and note per non-price factor. The price factor
    is computed by the system and never entered (87号令 55)."""

    def __init__(
        self,
        *args: Any,
        factors: Sequence[dict[str, Any]],
        current: dict[str, tuple[Decimal, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.factors = list(factors)
        current = current or {}
        for i, f in enumerate(self.factors):
            points = Decimal(str(f.get("points", "0")))
            prev = current.get(str(f["name"]))
            self.fields[f"s_{i}"] = forms.DecimalField(
                min_value=Decimal(0),
                max_value=points,
                max_digits=7,
                decimal_places=2,
                label=str(f["name"]),
                initial=None if prev is None else prev[0],
                widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": str(points)}),
                error_messages={
                    "required": "请填写得分",
                    "min_value": "得分不能小于 0",
                    "max_value": f"得分不能超过 {points} 分",
                    "invalid": "请输入数字",
                    "max_decimal_places": "最多保留两位小数",
                },
            )
            self.fields[f"n_{i}"] = forms.CharField(
                required=False,
                max_length=500,
                label="评分说明",
                initial="" if prev is None else prev[1],
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"factor": f, "score": self[f"s_{i}"], "note": self[f"n_{i}"]}
            for i, f in enumerate(self.factors)
        ]

    def scores(self) -> dict[str, Decimal]:
        return {str(f["name"]): self.cleaned_data[f"s_{i}"] for i, f in enumerate(self.factors)}

    def notes(self) -> dict[str, str]:
        return {
            str(f["name"]): self.cleaned_data[f"n_{i}"].strip()
            for i, f in enumerate(self.factors)
            if self.cleaned_data[f"n_{i}"].strip()
        }


class FlagForm(forms.Form):
    """The chair settles a deviation flag (87号令 64)."""

    action = forms.ChoiceField(choices=c.FlagAction.choices, label="处理")
    note = forms.CharField(
        max_length=1000, label="复核说明", error_messages={"required": "请填写复核说明"}
    )


class AbnormalDecideForm(forms.Form):
    """The chair records the committee's view of a bidder's explanation (87号令 60)."""

    accepted = forms.ChoiceField(
        choices=[("1", "说明合理，接受"), ("0", "不能证明报价合理，按无效投标处理")],
        widget=forms.RadioSelect,
        label="认定",
    )
    reason = forms.CharField(
        max_length=500, label="认定理由", error_messages={"required": "请填写认定理由"}
    )


class JustifyForm(forms.Form):
    """The supplier's written explanation of an abnormally low price (87号令 60)."""

    text = forms.CharField(
        max_length=5000,
        label="书面说明",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "请填写书面说明"},
    )


class SignForm(forms.Form):
    """A member signs the report, agreeing or with dissent and reasons (87号令 57), re-entering
    the password."""

    agrees = forms.ChoiceField(
        choices=[("1", "同意评审结论"), ("0", "有不同意见")],
        widget=forms.RadioSelect,
        initial="1",
        label="签署意见",
    )
    dissent = forms.CharField(
        required=False,
        max_length=5000,
        label="不同意见及理由",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    password = forms.CharField(
        label="登录密码（再次验证身份）",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "请输入登录密码"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("agrees") == "0" and not (data.get("dissent") or "").strip():
            self.add_error("dissent", "持不同意见的须写明理由")
        return data


class AwardForm(forms.Form):
    """The purchaser confirms the result in the report's order (条例 43)."""

    candidate = forms.ChoiceField(label="确定中标（成交）供应商", widget=forms.RadioSelect)
    reason = forms.CharField(
        required=False,
        max_length=500,
        label="未确定排名第一的供应商的理由",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, candidates: Sequence[ReviewedBid], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        field = self.fields["candidate"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (str(rb.pk), f"第 {n} 名 {rb.supplier.name}")
            for n, rb in enumerate(self.candidates, start=1)
        ]
        if self.candidates:
            field.initial = str(self.candidates[0].pk)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = data.get("candidate")
        if (
            chosen
            and self.candidates
            and chosen != str(self.candidates[0].pk)
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", "确定非排名第一的供应商须说明理由")
        return data

    def chosen(self) -> ReviewedBid:
        pk = int(self.cleaned_data["candidate"])
        return next(rb for rb in self.candidates if rb.pk == pk)
