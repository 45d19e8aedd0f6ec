"""The operator console's own tables: periodic job runs, daily snapshots, terms versions with their
acceptances and emails, announcements with their deliveries."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'app_user'

    class PeriodicRun(Model):
        created_at = DateTimeField()
        path = CharField(max_length=200, unique=True)
        last_started_at = DateTimeField(null=True)
        last_finished_at = DateTimeField(null=True)
        last_error = TextField(default='')
        class Meta:
            database = db
            table_name = 'periodic_run'

    class DailySnapshot(Model):
        created_at = DateTimeField()
        day = DateField(unique=True)
        workspaces_by_state = TextField(default='{}')
        mrr_by_currency = TextField(default='{}')
        trials_started = IntegerField(default=0)
        trials_converted = IntegerField(default=0)
        tickets_created = IntegerField(default=0)
        mail_processed = IntegerField(default=0)
        queue_depth = IntegerField(null=True)
        failed_jobs = IntegerField(null=True)
        class Meta:
            database = db
            table_name = 'daily_snapshot'

    class TermsVersion(Model):
        created_at = DateTimeField()
        version = CharField(max_length=32, unique=True)
        summary = TextField()
        published_at = DateTimeField()
        published_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'terms_version'

    class TermsAcceptance(Model):
        created_at = DateTimeField()
        user = ForeignKeyField(User, on_delete='CASCADE')
        version = CharField(max_length=32)
        accepted_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'terms_acceptance'
            indexes = ((('user', 'version'), True), (('version', 'accepted_at'), False))

    class TermsNotice(Model):
        created_at = DateTimeField()
        terms = ForeignKeyField(TermsVersion, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        email_id = IntegerField(null=True)
        class Meta:
            database = db
            table_name = 'terms_notice'
            indexes = ((('terms', 'user'), True),)

    class Announcement(Model):
        created_at = DateTimeField()
        subject = CharField(max_length=200)
        body = TextField()
        state_filter = CharField(max_length=16, default='')
        plan_filter = IntegerField(null=True)
        created_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        recipients = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'announcement'

    class AnnouncementDelivery(Model):
        created_at = DateTimeField()
        announcement = ForeignKeyField(Announcement, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        status = CharField(max_length=16, default='pending')
        sent_on = DateField(null=True)
        email_id = IntegerField(null=True)
        dismissed_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'announcement_delivery'
            indexes = ((('announcement', 'user'), True), (('user', 'sent_on'), True),
                       (('announcement', 'status'), False), (('user', 'id'), False))

    db.create_tables([PeriodicRun, DailySnapshot, TermsVersion, TermsAcceptance, TermsNotice, Announcement,
                      AnnouncementDelivery])


def down(migrator, db):
    for table in ('announcement_delivery', 'announcement', 'terms_notice', 'terms_acceptance', 'terms_version',
                  'daily_snapshot', 'periodic_run'):
        migrator.migrate(migrator.drop_table(table))
