from pcms.accounts.roles import Role

ROLE_PERMISSIONS = {
    Role.ADMINISTRATOR: {"federation.view_peer", "federation.view_rejection"},
}
