"""The inbox's counts of awake tickets (Unassigned, Mine, All open, Pending) read one covering index.

Without it a count walked (workspace_id, snoozed_until) and read each ticket's row to check its status:
4 ms of every inbox page at 10,000 tickets, and more the more tickets there are. Partial (awake tickets only) on both databases.
"""


def up(migrator, db):
    db.execute_sql("CREATE INDEX ticket_awake_workspace_id_status_assignee_id_id ON ticket "
                   "(workspace_id, status, assignee_id, id) WHERE snoozed_until IS NULL")


def down(migrator, db):
    db.execute_sql("DROP INDEX IF EXISTS ticket_awake_workspace_id_status_assignee_id_id")
