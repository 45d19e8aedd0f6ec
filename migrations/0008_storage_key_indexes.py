"""Storage: indexes on the columns holding storage keys, so the orphan sweep checks a page of keys by index."""


def up(migrator, db):
    migrator.migrate(
        migrator.add_index("attachment", ("storage_key",), False),
        migrator.add_index("inbound_email", ("raw_key",), False),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index("attachment", "attachment_storage_key"),
        migrator.drop_index("inbound_email", "inbound_email_raw_key"),
    )
