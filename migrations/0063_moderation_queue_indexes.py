"""The operator's moderation queue across workspaces: open reports and held posts and comments by index."""


def up(migrator, db):
    migrator.migrate(
        migrator.add_index("suggestion", ("held_for_review", "id"), False),
        migrator.add_index("suggestion_comment", ("held_for_review", "id"), False),
        migrator.add_index("suggestion_report", ("resolved_at", "suggestion_id", "comment_id"), False),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index("suggestion", "suggestion_held_for_review_id"),
        migrator.drop_index("suggestion_comment", "suggestion_comment_held_for_review_id"),
        migrator.drop_index("suggestion_report", "suggestion_report_resolved_at_suggestion_id_comment_id"),
    )
