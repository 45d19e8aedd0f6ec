"""Results a worker keeps between requests (SQL text, translated texts, URLs, formatted times), bounded.

Their keys may come from requests (a Host header, a stored time), so a store is emptied when it reaches its
limit rather than growing with them; a result is a pure function of its key, so emptying loses only time.
"""


def kept(store, key, limit, make):
    """`store[key]`, made by `make()` and kept when missing; `store` emptied first when it holds `limit`."""
    found = store.get(key)
    if found is None:
        if len(store) >= limit:
            store.clear()
        found = store[key] = make()
    return found
