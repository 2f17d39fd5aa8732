"""A platform may require a completed course before it grants a role (the platform tutoring before
the officer role). The rule is a `TrainingRequirement`; it is enforced by pcms.accounts wherever a
role is granted (the user form of the administration, and any code that adds a user to a group)."""

from django.utils.translation import gettext as _


def missing_courses(user, role: str, platform) -> list:
    """The courses `platform` requires for `role` that `user` has not completed."""
    from pcms.training.models import Registration, TrainingRequirement

    if platform is None:
        return []
    required = TrainingRequirement.objects.filter(platform=platform, role=role).select_related("course")
    if not required:
        return []
    done = set(Registration.objects.filter(official__user=user, completed=True)
               .values_list("session__course_id", flat=True)) if user.pk else set()
    return [requirement.course for requirement in required if requirement.course_id not in done]


def requirement_error(user, role: str, platform) -> str | None:
    from pcms.accounts.roles import Role

    courses = missing_courses(user, role, platform)
    if not courses:
        return None
    return _("%(user)s cannot receive the role “%(role)s” on %(platform)s before completing: "
             "%(courses)s.") % {
        "user": user.get_username(), "role": Role(role).label, "platform": platform.code,
        "courses": ", ".join(f"“{course.title}”" for course in courses),
    }


def connect() -> None:
    from pcms.accounts.roles import register_grant_check

    register_grant_check(requirement_error)
