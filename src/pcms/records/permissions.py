from pcms.accounts.roles import Role

ROLE_PERMISSIONS = {
    Role.OFFICER: {"records.view_report", "records.add_report", "records.change_report",
                   "records.view_entity", "records.add_entity", "records.change_entity"},
    Role.SUPERVISOR: {"records.view_report", "records.add_report", "records.change_report",
                      "records.view_entity", "records.add_entity", "records.change_entity"},
    Role.ANALYST: {"records.view_report", "records.view_entity"},
    Role.DPO: {"records.view_report", "records.view_entity"},
}
