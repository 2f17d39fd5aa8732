from pcms.accounts.roles import Role

_MODELS = ("message", "informationrequest", "alert", "case", "consentrequest", "alerthit")
_VIEW = {f"exchange.view_{model}" for model in _MODELS}
_SEND = _VIEW | {f"exchange.add_{model}" for model in _MODELS if model != "alerthit"}

ROLE_PERMISSIONS = {
    Role.OFFICER: _SEND,
    Role.SUPERVISOR: _SEND,
    Role.ANALYST: _SEND,
    Role.DPO: _VIEW,
}
