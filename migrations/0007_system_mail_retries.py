"""System mail: a retry time and a lease, and bodies erased once sent (encrypted until then)."""
from peewee import CharField, DateTimeField, Model, TextField


def _frozen_system_email(db):
    class SystemEmail(Model):
        created_at = DateTimeField()
        text_body = TextField(null=True)
        html_body = TextField(null=True)
        status = CharField(max_length=16)
        next_attempt_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = 'system_email'
    return SystemEmail


def up(migrator, db):
    from helpdesk.core.crypto import encrypt  # needs the app's ENCRYPTION_KEYS, as `flask db upgrade` has

    migrator.migrate(
        migrator.add_column('system_email', 'next_attempt_at', DateTimeField(null=True)),
        migrator.add_column('system_email', 'lease_until', DateTimeField(null=True)),
        migrator.drop_not_null('system_email', 'text_body'),
        migrator.drop_not_null('system_email', 'html_body'),
    )
    SystemEmail = _frozen_system_email(db)
    # The link tokens in mail already sent or failed are erased; waiting mail is encrypted and due now.
    SystemEmail.update(text_body=None, html_body=None).where(SystemEmail.status != 'queued').execute()
    for row in SystemEmail.select().where(SystemEmail.status == 'queued'):
        (SystemEmail.update(text_body=encrypt(row.text_body), html_body=encrypt(row.html_body),
                            next_attempt_at=row.created_at).where(SystemEmail.id == row.id).execute())


def down(migrator, db):
    from helpdesk.core.crypto import decrypt

    SystemEmail = _frozen_system_email(db)
    for row in SystemEmail.select().where(SystemEmail.status.in_(('queued', 'sending'))):
        (SystemEmail.update(text_body=decrypt(row.text_body), html_body=decrypt(row.html_body), status='queued')
         .where(SystemEmail.id == row.id).execute())
    SystemEmail.update(text_body='', html_body='').where(SystemEmail.text_body.is_null()).execute()
    migrator.migrate(
        migrator.add_not_null('system_email', 'text_body'),
        migrator.add_not_null('system_email', 'html_body'),
        migrator.drop_column('system_email', 'lease_until'),
        migrator.drop_column('system_email', 'next_attempt_at'),
    )
