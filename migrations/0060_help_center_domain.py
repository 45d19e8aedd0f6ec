"""Help center: a custom domain (host name, its TXT token, when it was entered and verified, the last DNS check)."""
from peewee import CharField, DateTimeField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('help_center', 'domain', CharField(max_length=253, null=True)),
        migrator.add_column('help_center', 'domain_token', CharField(max_length=64, default='')),
        migrator.add_column('help_center', 'domain_added_at', DateTimeField(null=True)),
        migrator.add_column('help_center', 'domain_verified_at', DateTimeField(null=True)),
        migrator.add_column('help_center', 'domain_checked_at', DateTimeField(null=True)),
        migrator.add_column('help_center', 'domain_check', CharField(max_length=16, default='')),
        migrator.add_column('help_center', 'domain_cname', CharField(max_length=253, default='')),
        migrator.add_index('help_center', ('domain',), True),  # one host, one workspace
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_index('help_center', 'help_center_domain'))
    for column in ('domain_cname', 'domain_check', 'domain_checked_at', 'domain_verified_at', 'domain_added_at',
                   'domain_token', 'domain'):
        migrator.migrate(migrator.drop_column('help_center', column))
