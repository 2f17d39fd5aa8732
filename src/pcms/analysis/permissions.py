from pcms.accounts.roles import Role

# Everyone who works on records sees the dashboards; analysts and supervisors write bulletins.
ROLE_PERMISSIONS = {
    Role.OFFICER: {"analysis.view_bulletin"},
    Role.SUPERVISOR: {"analysis.view_bulletin", "analysis.add_bulletin", "analysis.change_bulletin"},
    Role.ANALYST: {"analysis.view_bulletin", "analysis.add_bulletin", "analysis.change_bulletin"},
    Role.DPO: {"analysis.view_bulletin"},
}
