from django.contrib import admin

from pcms.core.admin import AuditedModelAdmin
from pcms.dataprotection.models import RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(AuditedModelAdmin):
    list_display = ("category", "role", "review_after_days")
    list_filter = ("category", "role")
