"""Settings shared by every environment. Environment-specific files import * from here."""

import os
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("ZHENGCAI_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-dev-key-change-me")
DEBUG = False
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the Swagger UI assets locally (no CDN)
    "zhengcai.core",
    "zhengcai.accounts",
    "zhengcai.credit",
    "zhengcai.catalog",
    "zhengcai.plans",
    "zhengcai.tenders",
    "zhengcai.bidding",
    "zhengcai.experts",
    "zhengcai.evaluation",
    "zhengcai.awards",
    "zhengcai.contracts",
    "zhengcai.archives",
    "zhengcai.supervision",
    "zhengcai.publishing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zhengcai.core.middleware.ApiBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhengcai.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "zhengcai.core.middleware.IdempotencyMiddleware",
    "zhengcai.core.middleware.DomainErrorPageMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zhengcai" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhengcai.core.context_processors.platform",
            ],
        },
    },
]


def database_from_env(default_url: str) -> dict[str, object]:
    """One database, from DATABASE_URL; SQLite gets WAL and immediate transactions."""
    cfg: dict[str, object] = dict(
        dj_database_url.parse(os.environ.get("DATABASE_URL", default_url), conn_max_age=0)
    )
    if str(cfg["ENGINE"]).endswith("sqlite3"):
        cfg["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=20000;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return cfg


DATABASES = {"default": database_from_env(f"sqlite:///{VAR_DIR / 'zhengcai.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:workbench"
LOGOUT_REDIRECT_URL = "publishing:home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing directory
STATICFILES_DIRS = [BASE_DIR / "zhengcai" / "static"]
MEDIA_ROOT = VAR_DIR / "media"

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# Request bodies: the API answers 413 above this (core.middleware.ApiBodyLimitMiddleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
API_MAX_BODY_BYTES = 1 * 1024 * 1024

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Platform policy (editable per deployment through the environment).
ZHENGCAI: dict[str, Any] = {
    "PLATFORM_NAME": os.environ.get("ZHENGCAI_PLATFORM_NAME", "政府采购管理交易平台"),
    "LOGIN_MAX_FAILURES": 5,
    "LOCKOUT_MINUTES": 15,
    "AUDIT_HASH": os.environ.get("ZHENGCAI_AUDIT_HASH", "sha256"),  # or "sm3"
    "IDEMPOTENCY_TTL_HOURS": 24,
    # Dotted path of the function that resolves an `Authorization` header to a user (core
    # names no app; the accounts app provides it).
    "TOKEN_USER": "zhengcai.accounts.auth.user_from_authorization",
    "CLOCK_INTERVAL_SECONDS": 30,
    # The demo's sandbox clock (core.sandbox): platform time = server time + an offset an
    # administrator moves forward. Off unless a demo/dev settings module turns it on;
    # production refuses it (config/settings/prod.py).
    "SANDBOX_CLOCK": os.environ.get("ZHENGCAI_SANDBOX_CLOCK", "") == "1",
    # Where the demo's sandbox clock starts when the demo data is seeded: a working Monday
    # with two months of officially known holidays ahead (chinese_calendar ends at 2026).
    "SANDBOX_START": os.environ.get("ZHENGCAI_SANDBOX_START", "2026-11-02T09:00:00+08:00"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
