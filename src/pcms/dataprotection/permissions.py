from pcms.accounts.roles import Role

ROLE_PERMISSIONS = {
    Role.DPO: {"dataprotection.view_review", "dataprotection.view_correction",
               "dataprotection.add_correction", "dataprotection.view_retentionrule",
               "audit.view_auditentry"},
    Role.SUPERVISOR: {"dataprotection.view_review", "dataprotection.add_correction"},
    Role.OFFICER: {"dataprotection.view_review", "dataprotection.add_correction"},
    Role.ADMINISTRATOR: {"dataprotection.view_retentionrule", "dataprotection.add_retentionrule",
                         "dataprotection.change_retentionrule",
                         "dataprotection.delete_retentionrule"},
}
