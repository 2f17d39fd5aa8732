"""Exchange objects travel between nodes: authors may live at another node (their name is kept),
request steps get UUIDs, a case link names the platform that filed it."""

import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


def copy_steps(apps, schema_editor):
    """Each step again, under a UUID: a step travels between nodes under the same identifier."""
    old, new = apps.get_model("exchange", "RequestStep"), apps.get_model("exchange", "RequestStepCopy")
    new.objects.bulk_create(
        new(id=uuid.uuid4(), request_id=step.request_id, status=step.status,
            actor_id=step.actor_id, at=step.at, comment=step.comment)
        for step in old.objects.order_by("at", "id").iterator())


def link_platforms(apps, schema_editor):
    """A link filed so far belongs to its author's platform."""
    link, user = apps.get_model("exchange", "CaseLink"), apps.get_model("accounts", "User")
    for platform_id in user.objects.values_list("platform_id", flat=True).distinct():
        link.objects.filter(added_by__platform_id=platform_id).update(platform_id=platform_id)


class Migration(migrations.Migration):

    dependencies = [
        ('exchange', '0001_initial'),
        ('reference', '0002_purpose'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='sharedrecord',
            name='shared_record_is_one_record',
        ),
        migrations.AddField(
            model_name='alert',
            name='author_name',
            field=models.CharField(blank=True, max_length=150, verbose_name='author'),
        ),
        migrations.AddField(
            model_name='case',
            name='created_by_name',
            field=models.CharField(blank=True, max_length=150, verbose_name='opened by'),
        ),
        migrations.AddField(
            model_name='caselink',
            name='added_by_name',
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AddField(
            model_name='caselink',
            name='platform',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.platform'),
        ),
        migrations.AddField(
            model_name='delivery',
            name='acknowledged_by_name',
            field=models.CharField(blank=True, max_length=150, verbose_name='acknowledged by'),
        ),
        migrations.AddField(
            model_name='delivery',
            name='read_by_name',
            field=models.CharField(blank=True, max_length=150, verbose_name='read by'),
        ),
        migrations.AddField(
            model_name='informationrequest',
            name='author_name',
            field=models.CharField(blank=True, max_length=150, verbose_name='author'),
        ),
        migrations.AddField(
            model_name='message',
            name='author_name',
            field=models.CharField(blank=True, max_length=150, verbose_name='author'),
        ),
        migrations.AlterField(
            model_name='alert',
            name='author',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author'),
        ),
        migrations.AlterField(
            model_name='case',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='opened by'),
        ),
        migrations.AlterField(
            model_name='caselink',
            name='added_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='informationrequest',
            name='author',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author'),
        ),
        migrations.AlterField(
            model_name='message',
            name='author',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author'),
        ),
        migrations.AlterField(
            model_name='recordgrant',
            name='granted_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='sharedrecord',
            constraint=models.CheckConstraint(condition=models.Q(('report__isnull', True), ('entity__isnull', True), _connector='OR'), name='shared_record_at_most_one_record'),
        ),
        migrations.RunPython(link_platforms, migrations.RunPython.noop),
        # A primary key cannot change type in place on every database: copy, drop, rename.
        migrations.CreateModel(
            name='RequestStepCopy',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('sent', 'Sent'), ('accepted', 'Accepted'), ('answered', 'Answered'), ('declined', 'Declined'), ('closed', 'Closed')], max_length=10)),
                ('actor_name', models.CharField(blank=True, max_length=150)),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('comment', models.CharField(blank=True, max_length=500, verbose_name='comment')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='exchange.informationrequest')),
            ],
            options={
                'ordering': ['at', 'id'],
            },
        ),
        migrations.RunPython(copy_steps, migrations.RunPython.noop),
        migrations.DeleteModel(name='RequestStep'),
        migrations.RenameModel(old_name='RequestStepCopy', new_name='RequestStep'),
        migrations.AlterField(
            model_name='requeststep',
            name='request',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='steps', to='exchange.informationrequest'),
        ),
    ]
