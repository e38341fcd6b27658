"""The accounts access world (a user of every role in several regions), one per module."""

from zhengcai.accounts.tests.conftest import w, world

__all__ = ["w", "world"]
