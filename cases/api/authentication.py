"""API tokens that expire (COURTDASH_API_TOKEN_HOURS after they were issued).

DRF's tokens live until deleted. Here a token older than the setting is refused with a 401,
and the token endpoint (cases.api.views.TokenObtainView) replaces an expired token with a new
one. A password change or a deactivation deletes the user's tokens (cases.signals).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def token_expired(token: Token) -> bool:
    lifetime = datetime.timedelta(hours=settings.COURTDASH_API_TOKEN_HOURS)
    return token.created + lifetime <= timezone.now()


def token_for(user) -> Token:
    """The user's current token; a new one when there is none or it has expired."""
    token, created = Token.objects.select_for_update().get_or_create(user=user)
    if not created and token_expired(token):
        token.delete()
        token = Token.objects.create(user=user)
    return token


class TokenRefused(exceptions.APIException):
    """A 401 with `WWW-Authenticate: Token`. Not an AuthenticationFailed: DRF turns that into
    a 403 when the view's first authentication class (the session) names no scheme."""

    status_code = 401
    default_detail = gettext_lazy("认证令牌无效。")
    default_code = "authentication_failed"
    auth_header = "Token"


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF token authentication that refuses a token past its lifetime, and an unknown
    (revoked) token, with a 401."""

    def authenticate_credentials(self, key):
        try:
            user, token = super().authenticate_credentials(key)
        except exceptions.AuthenticationFailed as refused:
            raise TokenRefused(refused.detail) from refused
        if token_expired(token):
            raise TokenRefused(_("API 令牌已过期，请重新获取令牌"))
        return user, token
