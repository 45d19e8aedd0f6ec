"""The console's workspace list filtered by plan reads the subscriptions in (plan, workspace) order."""


def up(migrator, db):
    migrator.migrate(migrator.add_index("subscription", ("plan_id", "workspace_id"), False))


def down(migrator, db):
    migrator.migrate(migrator.drop_index("subscription", "subscription_plan_id_workspace_id"))
