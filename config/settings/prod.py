"""Production: PostgreSQL through DATABASE_URL, secrets from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ZHENGCAI as BASE_ZHENGCAI

DEBUG = False
if os.environ.get("DJANGO_SECRET_KEY") in (None, "", "insecure-dev-key-change-me"):
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY for production.")
# Platform time in production is the server's time: the demo's sandbox clock is refused.
if BASE_ZHENGCAI.get("SANDBOX_CLOCK") or os.environ.get("ZHENGCAI_SANDBOX_CLOCK"):
    raise ImproperlyConfigured(
        "The sandbox clock is for the demo only; unset ZHENGCAI_SANDBOX_CLOCK."
    )
ZHENGCAI = {**BASE_ZHENGCAI, "SANDBOX_CLOCK": False}
SESSION_COOKIE_SECURE = os.environ.get("ZHENGCAI_HTTPS", "1") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
