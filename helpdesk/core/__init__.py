"""Mechanisms with no domain knowledge: crypto, sanitize, mailer, storage, pagination, audit, clock, render."""
