"""Report counts kept ahead per platform, and the triggers that note the months they no longer hold.

Reports already stored have every month noted as changed: the dashboard counts them report by
report until `pcms.analysis.counts.fold` (every minute, or `pcms counts --rebuild`) counts them.
"""

import django.db.models.deletion
from django.db import migrations, models

from pcms.analysis import counts


def install(apps, schema_editor):
    counts.ensure_triggers(schema_editor.connection)


def remove(apps, schema_editor):
    counts.remove_triggers(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('analysis', '0002_report_cube_index'),
        ('reference', '0002_purpose'),
        ('records', '0002_report_purpose_review_due'),
        ('exchange', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReportCountChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.CharField(max_length=7)),
                ('category', models.CharField(max_length=24)),
            ],
            options={
                'indexes': [models.Index(fields=['month', 'category'], name='report_count_change_cell')],
            },
        ),
        migrations.CreateModel(
            name='ReportCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('grain', models.CharField(choices=[('full', 'Full'), ('time', 'Time'), ('place', 'Place')], max_length=5)),
                ('month', models.CharField(max_length=7)),
                ('category', models.CharField(max_length=24)),
                ('classification', models.PositiveSmallIntegerField()),
                ('review_due', models.DateField(null=True)),
                ('reports', models.PositiveIntegerField()),
                ('country', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reference.country')),
                ('owner', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reference.platform')),
                ('platform', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='reference.platform')),
                ('region', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reference.region')),
            ],
            options={
                'indexes': [models.Index(fields=['platform', 'grain', 'category', 'month', 'country', 'region', 'owner', 'classification', 'review_due', 'reports'], name='report_count_platform_grain')],
            },
        ),
        migrations.RunPython(install, remove),
    ]
