"""The OAuth 2.0 / OpenID Connect provider (Authlib's server core, see
:mod:`commerce_api.oauth.server` for why and how it is tightened)."""
