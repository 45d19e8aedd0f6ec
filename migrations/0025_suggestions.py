"""The suggestions board: settings, tags, suggestions, votes, comments, reports, subscriptions and
opt-outs for its emails, and the tickets that ask for a suggestion."""
from peewee import *


def up(migrator, db):
    def stub(name):
        class Meta:
            database = db
            table_name = name
        return type(name, (Model,), {'Meta': Meta})

    Workspace, User, EndUser = stub('workspace'), stub('app_user'), stub('end_user')
    Customer, Ticket = stub('customer'), stub('ticket')

    def fk(model, null=False, on_delete='CASCADE'):
        return ForeignKeyField(model, null=null, on_delete=on_delete, backref='+')

    class SuggestionBoard(Model):
        created_at = DateTimeField()
        workspace = ForeignKeyField(Workspace, unique=True, on_delete='CASCADE', backref='+')
        hold_first_posts = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'suggestion_board'

    class SuggestionTag(Model):
        created_at = DateTimeField()
        workspace = fk(Workspace)
        name = CharField(max_length=40)
        position = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'suggestion_tag'
            indexes = ((('workspace', 'name'), True),)

    class Suggestion(Model):
        created_at = DateTimeField()
        workspace = fk(Workspace)
        author = fk(EndUser, True, 'SET NULL')
        author_customer = fk(Customer, True, 'SET NULL')
        created_by = fk(User, True, 'SET NULL')
        title = CharField(max_length=200)
        slug = CharField(max_length=80, default='')
        description = TextField(default='')
        description_html = TextField(default='')
        tag = fk(SuggestionTag, True, 'SET NULL')
        status = CharField(max_length=16, default='open')
        status_changed_at = DateTimeField()
        vote_count = IntegerField(default=0)
        trending_votes = IntegerField(default=0)
        comment_count = IntegerField(default=0)
        official_reply = TextField(default='')
        official_reply_html = TextField(default='')
        official_reply_by = fk(User, True, 'SET NULL')
        official_reply_at = DateTimeField(null=True)
        hidden = BooleanField(default=False)
        hidden_reason = CharField(max_length=300, default='')
        held_for_review = BooleanField(default=False)
        merged_into = ForeignKeyField('self', null=True, on_delete='SET NULL', backref='+')
        merged_at = DateTimeField(null=True)
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'suggestion'
            indexes = (
                (('workspace', 'vote_count', 'id'), False),
                (('workspace', 'trending_votes', 'id'), False),
                (('workspace', 'id'), False),
                (('workspace', 'status', 'vote_count', 'id'), False),
                (('workspace', 'status', 'id'), False),
                (('workspace', 'status', 'trending_votes', 'id'), False),
                (('workspace', 'status', 'status_changed_at', 'id'), False),
                (('workspace', 'tag', 'vote_count', 'id'), False),
                (('author', 'id'), False),
            )

    class SuggestionVote(Model):
        created_at = DateTimeField()
        workspace = fk(Workspace)
        suggestion = fk(Suggestion)
        email = CharField(max_length=254)
        end_user = fk(EndUser, True, 'SET NULL')
        customer = fk(Customer, True, 'SET NULL')
        class Meta:
            database = db
            table_name = 'suggestion_vote'
            indexes = (
                (('suggestion', 'email'), True),
                (('workspace', 'email', 'suggestion'), False),
                (('workspace', 'created_at', 'suggestion'), False),
            )

    class SuggestionComment(Model):
        created_at = DateTimeField()
        workspace = fk(Workspace)
        suggestion = fk(Suggestion)
        parent = ForeignKeyField('self', null=True, on_delete='CASCADE', backref='+')
        author = fk(EndUser, True, 'SET NULL')
        author_user = fk(User, True, 'SET NULL')
        body = TextField()
        body_html = TextField()
        edited_at = DateTimeField(null=True)
        hidden = BooleanField(default=False)
        hidden_reason = CharField(max_length=300, default='')
        held_for_review = BooleanField(default=False)
        deleted_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'suggestion_comment'
            indexes = ((('suggestion', 'id'), False),)

    class SuggestionReport(Model):
        created_at = DateTimeField()
        workspace = fk(Workspace)
        suggestion = fk(Suggestion)
        comment = fk(SuggestionComment, True)
        reporter = fk(EndUser, True, 'SET NULL')
        reason = CharField(max_length=500, default='')
        resolved_at = DateTimeField(null=True)
        resolved_by = fk(User, True, 'SET NULL')
        class Meta:
            database = db
            table_name = 'suggestion_report'
            indexes = (
                (('workspace', 'resolved_at', 'id'), False),
                (('reporter', 'suggestion', 'comment'), True),
            )

    class SuggestionSubscription(Model):
        created_at = DateTimeField()
        workspace = fk(Workspace)
        suggestion = fk(Suggestion)
        email = CharField(max_length=254)
        end_user = fk(EndUser, True, 'SET NULL')
        customer = fk(Customer, True, 'SET NULL')
        comments = BooleanField(default=False)
        unsubscribed_at = DateTimeField(null=True)
        last_emailed_at = DateTimeField(null=True)
        shipped_emailed_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'suggestion_subscription'
            indexes = ((('suggestion', 'email'), True),)

    class SuggestionOptOut(Model):
        created_at = DateTimeField()
        workspace = fk(Workspace)
        email = CharField(max_length=254)
        class Meta:
            database = db
            table_name = 'suggestion_opt_out'
            indexes = ((('workspace', 'email'), True),)

    class TicketSuggestion(Model):
        created_at = DateTimeField()
        workspace = fk(Workspace)
        ticket = fk(Ticket)
        suggestion = fk(Suggestion)
        linked_by = fk(User, True, 'SET NULL')
        shipped_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'ticket_suggestion'
            indexes = (
                (('ticket', 'suggestion'), True),
                (('suggestion', 'id'), False),
            )

    db.create_tables([SuggestionBoard, SuggestionTag, Suggestion, SuggestionVote, SuggestionComment,
                      SuggestionReport, SuggestionSubscription, SuggestionOptOut, TicketSuggestion])


def down(migrator, db):
    for table in ('ticket_suggestion', 'suggestion_opt_out', 'suggestion_subscription', 'suggestion_report',
                  'suggestion_comment', 'suggestion_vote', 'suggestion', 'suggestion_tag', 'suggestion_board'):
        migrator.migrate(migrator.drop_table(table))
