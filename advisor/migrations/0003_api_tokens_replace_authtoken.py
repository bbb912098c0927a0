"""API tokens hashed at rest replace DRF's plain ``authtoken`` keys.

The old table kept every key in clear (and its admin listed them): it goes,
with its content types and permissions. Its keys are not carried over, since
only a key's owner could be given a new one: re-issue with ``issue_api_token``.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DROP_AUTHTOKEN = """
DROP TABLE IF EXISTS authtoken_token CASCADE;
-- The admin logged each token by its key: those lines go with the keys.
DELETE FROM django_admin_log WHERE content_type_id IN (
    SELECT id FROM django_content_type WHERE app_label = 'authtoken'
);
DELETE FROM advisor_user_user_permissions WHERE permission_id IN (
    SELECT p.id FROM auth_permission p JOIN django_content_type c
    ON c.id = p.content_type_id WHERE c.app_label = 'authtoken'
);
DELETE FROM auth_group_permissions WHERE permission_id IN (
    SELECT p.id FROM auth_permission p JOIN django_content_type c
    ON c.id = p.content_type_id WHERE c.app_label = 'authtoken'
);
DELETE FROM auth_permission WHERE content_type_id IN (
    SELECT id FROM django_content_type WHERE app_label = 'authtoken'
);
DELETE FROM django_content_type WHERE app_label = 'authtoken';
DELETE FROM django_migrations WHERE app = 'authtoken';
"""


class Migration(migrations.Migration):

    dependencies = [
        ('advisor', '0002_idempotent_requests'),
        ('admin', '0003_logentry_add_action_flag_choices'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.RunSQL(DROP_AUTHTOKEN, migrations.RunSQL.noop),
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('id', models.CharField(editable=False, max_length=150, primary_key=True, serialize=False, unique=True)),
                ('prefix', models.CharField(editable=False, max_length=8, unique=True)),
                ('hashed_key', models.CharField(editable=False, max_length=150)),
                ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('name', models.CharField(default=None, help_text='A free-form name for the API key. Need not be unique. 50 characters max.', max_length=50)),
                ('revoked', models.BooleanField(blank=True, default=False, help_text='If the API key is revoked, clients cannot use it anymore. (This cannot be undone.)')),
                ('expiry_date', models.DateTimeField(blank=True, help_text='Once API key expires, clients cannot use it anymore.', null=True, verbose_name='Expires')),
                ('scope', models.CharField(choices=[('read', 'Read only'), ('read_write', 'Read and write')], default='read_write', max_length=20)),
                ('last_used_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('revoked_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='api_tokens', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'API token',
                'verbose_name_plural': 'API tokens',
                'ordering': ('-created',),
                'abstract': False,
                'indexes': [models.Index(fields=['user', 'revoked'], name='api_token_user')],
            },
        ),
    ]
