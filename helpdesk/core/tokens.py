"""Random link tokens: the person gets the token, the database keeps its hash."""
import hashlib
import secrets


def new_token():
    """A fresh URL-safe token and its hash, as (token, token_hash)."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token):
    """The stored form of a token (SHA-256: the token is random, so no salt is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()
