from pcms.accounts.roles import Role

ROLE_PERMISSIONS = {
    Role.ADMINISTRATOR: {
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "reference.view_platform",
        "reference.add_platform",
        "reference.change_platform",
        "reference.view_agency",
        "reference.add_agency",
        "reference.change_agency",
        "reference.view_country",
        "reference.view_region",
    },
}
