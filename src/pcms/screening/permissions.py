from pcms.accounts.roles import Role

ROLE_PERMISSIONS = {
    Role.OFFICER: {"screening.add_screening", "screening.view_hit", "screening.view_duplicateproposal"},
    Role.SUPERVISOR: {"screening.add_screening", "screening.view_hit",
                      "screening.view_duplicateproposal", "screening.change_duplicateproposal"},
    Role.ANALYST: {"screening.add_screening", "screening.view_hit"},
    Role.DPO: {"screening.view_screening"},
}
