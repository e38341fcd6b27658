from django import forms


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput, max_length=256)


class OtpForm(forms.Form):
    otp = forms.RegexField(
        label="动态口令",
        regex=r"^\s*\d{6}\s*$",
        max_length=10,
        error_messages={"invalid": "请输入 6 位数字动态口令"},
    )


class TokenForm(forms.Form):
    name = forms.CharField(label="用途", max_length=80)
    expires_days = forms.IntegerField(label="有效期（天）", min_value=1, max_value=366, initial=90)


class OrgFilterForm(forms.Form):
    q = forms.CharField(label="单位名称", required=False, max_length=100)
    kind = forms.ChoiceField(label="单位类型", required=False)
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args: object, **kwargs: object) -> None:
        from zhengcai.accounts.constants import OrgKind

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = [("", "全部"), *OrgKind.choices]  # type: ignore[attr-defined]
