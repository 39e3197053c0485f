"""Member identity: registration with email verification, sign-in with server-side sessions,
password reset, the sign-in throttle, and the dependencies that tell a handler who is signed
in (``identity_dependencies``; they also hold the session's CSRF check)."""

from commerce_api.domain.identity._accounts import Accounts, normalise_email
from commerce_api.domain.identity._deps import (
    CurrentDep,
    Identity,
    IdentityDep,
    MemberDep,
    client_address,
    identity_dependencies,
    require_member,
    session_member_id,
    signed_in,
)
from commerce_api.domain.identity._errors import (
    CsrfRejected,
    EmailNotVerified,
    InvalidCredentials,
    InvalidLink,
    SignInRequired,
    TooManyAttempts,
    WeakPassword,
)
from commerce_api.domain.identity._passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    PasswordPolicy,
    Passwords,
    PasswordTooWeak,
)
from commerce_api.domain.identity._sessions import (
    SignedIn,
    clear_session_cookie,
    create_session,
    end_session,
    load_session,
    session_cookie,
)
from commerce_api.domain.identity._throttle import Throttle

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "Accounts",
    "CsrfRejected",
    "CurrentDep",
    "EmailNotVerified",
    "Identity",
    "IdentityDep",
    "InvalidCredentials",
    "InvalidLink",
    "MemberDep",
    "PasswordPolicy",
    "PasswordTooWeak",
    "Passwords",
    "SignInRequired",
    "SignedIn",
    "Throttle",
    "TooManyAttempts",
    "WeakPassword",
    "clear_session_cookie",
    "client_address",
    "create_session",
    "end_session",
    "identity_dependencies",
    "load_session",
    "normalise_email",
    "require_member",
    "session_cookie",
    "session_member_id",
    "signed_in",
]
