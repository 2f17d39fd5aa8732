from pcms.accounts.roles import Role

# The roles that run the programme; every other role sees only its own training history.
MANAGERS = (Role.COORDINATOR.value, Role.ADMINISTRATOR.value)

_MODELS = ("course", "session", "official", "registration", "attendance", "evaluation",
           "certificate", "meetingseries", "meetingedition", "recommendation",
           "recommendationupdate", "trainingrequirement", "participantimport")
_MANAGE = {f"training.{action}_{model}" for model in _MODELS for action in ("view", "add", "change")}

ROLE_PERMISSIONS = {
    Role.COORDINATOR: _MANAGE,
    Role.ADMINISTRATOR: _MANAGE | {"training.delete_trainingrequirement"},
}
