"""`make demo`: production-like serving (gunicorn, WhiteNoise) on the embedded SQLite default."""

from .base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# The demo runs on a sandbox clock an administrator moves forward (系统管理 → 沙盒时钟, or
# `manage.py sandbox_clock --advance 3d`), so a newcomer can finish a procurement today.
ZHENGCAI = {**ZHENGCAI, "SANDBOX_CLOCK": True}  # noqa: F405
