"""An index that answers the dashboard's grouped count of reports without reading the table.

It leads with the date of the facts (the dashboard's period) and holds every column the count
groups by and every column need-to-know looks at, the id included for the recipients' and grants'
subqueries: on a million reports the twelve months' figures read the index alone. Kept here, as
SQL, because it serves analysis only; `pcms.analysis.stats` names it for SQLite's planner.
"""

from django.db import migrations

COLUMNS = ("facts_date", "category", "country_id", "region_id", "owner_id", "status",
           "dissemination", "classification", "review_due", "id")


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0001_initial"),
        ("records", "0002_report_purpose_review_due"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f'CREATE INDEX analysis_report_cube ON records_report ({", ".join(COLUMNS)})',
            reverse_sql="DROP INDEX analysis_report_cube",
        ),
    ]
