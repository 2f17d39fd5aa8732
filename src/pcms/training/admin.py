from django.contrib import admin

from pcms.core.admin import AuditedModelAdmin
from pcms.training.models import Course, TrainingRequirement


@admin.register(TrainingRequirement)
class TrainingRequirementAdmin(AuditedModelAdmin):
    list_display = ("platform", "role", "course")
    list_filter = ("platform", "role")


@admin.register(Course)
class CourseAdmin(AuditedModelAdmin):
    list_display = ("code", "title_fr", "topic", "format", "duration_days", "is_active")
    list_filter = ("topic", "format", "is_active")
    search_fields = ("code", "title_fr", "title_en", "title_ar")
