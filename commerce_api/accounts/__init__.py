"""Member accounts: registration with email verification, sign-in with server-side sessions,
password reset, the member dashboard and newsletter subscriptions.

Handlers that need the signed-in member take the ``member`` (or optional ``current``)
dependency from :data:`commerce_api.accounts.web.identity_dependencies`; it also enforces the
CSRF check for cookie-authenticated state-changing requests.
"""
