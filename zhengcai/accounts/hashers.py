from django.contrib.auth.hashers import Argon2PasswordHasher


class TestArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with a small memory cost: the test suite's hasher (same algorithm, faster)."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
