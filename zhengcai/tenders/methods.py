"""Re-export: the method configurations live in `zhengcai.methods.config` (below `plans`, so
every app that needs a method fact can read it without importing `tenders`)."""

from zhengcai.methods.config import *  # noqa: F403
from zhengcai.methods.config import ALL, VARIANT_CHOICES, MethodConfig, Period, get, supported

__all__ = ["ALL", "VARIANT_CHOICES", "MethodConfig", "Period", "get", "supported"]
