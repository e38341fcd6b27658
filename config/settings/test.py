from .base import *  # noqa: F403
from .base import ZHENGCAI

DEBUG = False
ALLOWED_HOSTS = ["*"]
# Still Argon2, with a small memory cost so the suite stays fast.
PASSWORD_HASHERS = ["zhengcai.accounts.hashers.TestArgon2PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ZHENGCAI = {**ZHENGCAI, "CLOCK_INTERVAL_SECONDS": 1}
LOGGING = {"version": 1, "disable_existing_loggers": False}
