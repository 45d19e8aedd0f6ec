"""Password hashing with argon2id (R4)."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 10


def hash_password(password):
    """The argon2id hash of `password`."""
    return _hasher.hash(password)


def check_password(password_hash, password):
    """True when `password` matches `password_hash`; False for no hash at all."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
