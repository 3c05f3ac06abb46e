"""Roles and what each may do, enforced wherever an action is carried out.

The navigation hides pages a role may not use, but hiding is not protection:
every action that writes or exports calls `require` again on the server, with
a user resolved afresh for that run (see `ui.access`), never one kept from an
earlier run.

This module is pure (no Streamlit), so the rules can be tested and used from
the command line or a download callable alike.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from core.errors import CypsError, Kind
from core.settings import DATA_DIR

MEMBER, OFFICER, DIRECTOR = "member", "officer", "director"
ROLES = (MEMBER, OFFICER, DIRECTOR)  # lowest to highest: a user gets the highest granted
ROLE_LABELS = {
    MEMBER: "Select commission member",
    OFFICER: "Officer",
    DIRECTOR: "Director",
}

# The actions of the product and the roles allowed to carry them out. An action
# not listed here is allowed to nobody, so a typo fails closed.
PERMISSIONS: dict[str, frozenset[str]] = {
    "view": frozenset(ROLES),
    "extract": frozenset({OFFICER, DIRECTOR}),
    # the committee report with every figure, marked exempt under Schedule 12A (issue 12 §5)
    "exempt_report": frozenset({OFFICER, DIRECTOR}),
    "export_audit": frozenset({OFFICER, DIRECTOR}),
    "view_audit": frozenset({DIRECTOR}),
    "download_template": frozenset({DIRECTOR}),
    "upload": frozenset({DIRECTOR}),
    "commit": frozenset({DIRECTOR}),
    "rollback": frozenset({DIRECTOR}),
    "redact": frozenset({DIRECTOR}),  # replace commentary in every version (audit-logged)
    "load_benchmarks": frozenset({DIRECTOR}),
}


@dataclass(frozen=True)
class User:
    name: str
    email: str
    role: str | None  # None: signed in, but no role granted
    demo: bool = False
    # Identity-provider groups (and app roles) from the sign-in token, kept so the
    # role can be re-resolved at the moment of an action, against the current roles file.
    groups: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        who = self.name or self.email or "Unknown user"
        role = ROLE_LABELS.get(self.role, "no access") if self.role else "no access"
        return f"{who} ({role})"

    @property
    def audit_name(self) -> str:
        """The name written to the audit log: the e-mail address, which identifies a person."""
        return self.email or self.name or "unknown"


class NotAllowed(CypsError, PermissionError):
    """The user's role may not carry out this action."""

    kind = Kind.NOT_ALLOWED


def may(user: User | None, action: str) -> bool:
    """True if `user` may carry out `action`; unknown actions and no user are refused."""
    return user is not None and user.role in PERMISSIONS.get(action, frozenset())


def require(user: User | None, action: str) -> User:
    """Raise NotAllowed unless `user` may carry out `action`; call it inside every action.

    Returns the user, so an action can write `user = require(current_user(), "commit")`.
    """
    if user is None or not may(user, action):
        role = "not signed in"
        if user is not None:
            role = ROLE_LABELS.get(user.role, "no role") if user.role else "no role"
        raise NotAllowed(f"Your role ({role}) does not allow this: {action.replace('_', ' ')}.")
    return user


def roles_allowed(action: str) -> list[str]:
    """The roles that may carry out `action`, lowest first (for explanations on pages)."""
    return [r for r in ROLES if r in PERMISSIONS.get(action, frozenset())]


def command_line_user(name: str, roles_file: Path | None = None) -> User:
    """The user a command names with `--user`, with the role data/roles.toml's [emails] grants.

    The command line has no sign-in, so an action that needs a role there (the exempt committee
    report) checks the e-mail address given against the same roles file the app reads; groups
    come from a sign-in token and cannot be checked here. Unknown addresses get no role.
    """
    path = roles_file or DATA_DIR / "roles.toml"
    with open(path, "rb") as fh:
        emails = tomllib.load(fh).get("emails", {})
    wanted = name.strip().casefold()
    granted = [str(r) for k, r in emails.items() if str(k).strip().casefold() == wanted]
    valid = [r for r in granted if r in ROLES]
    role = max(valid, key=ROLES.index) if valid else None
    return User(name=name, email=name, role=role)
