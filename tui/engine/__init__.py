"""Walking playbooks and running checks, independent of any UI."""
