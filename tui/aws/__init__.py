"""AWS access: one session factory, short timeouts, and a read-only guard for checks."""
