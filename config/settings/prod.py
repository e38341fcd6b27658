"""Production: PostgreSQL through DATABASE_URL, secrets from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
if os.environ.get("DJANGO_SECRET_KEY") in (None, "", "insecure-dev-key-change-me"):
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY for production.")
SESSION_COOKIE_SECURE = os.environ.get("ZHENGCAI_HTTPS", "1") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
