"""Names of the staff groups; the data migrations create them with their permissions."""

SECRETARIAT = "Secretariat"
REGISTRATION_DESK = "Registration desk"
