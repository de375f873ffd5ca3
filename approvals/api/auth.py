"""Token login and revocation; failed logins are limited per username and address like the web
form's (approvals/sign_in_limit.py)."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.authtoken.models import Token
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals import sign_in_limit

from .parsers import BoundedJSONParser
from .serializers import TokenRequestSerializer, TokenSerializer
from .views import validated


class TooManyAttempts(exceptions.Throttled):
    default_detail = _("Đăng nhập sai quá nhiều lần; vui lòng thử lại sau.")
    default_code = "too_many_attempts"


class BadCredentials(exceptions.AuthenticationFailed):
    default_detail = _("Tên đăng nhập hoặc mật khẩu không đúng.")
    default_code = "bad_credentials"


class TokenView(APIView):
    """POST: exchange a username and password for a token. DELETE: revoke the caller's token."""

    parser_classes = [BoundedJSONParser, FormParser]

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer}, auth=[])
    def post(self, request):
        data = validated(TokenRequestSerializer, request.data)
        user = authenticate(request, username=data["username"], password=data["password"])
        if user is None:
            if sign_in_limit.refused(request):
                raise TooManyAttempts(wait=sign_in_limit.retry_after(request, data["username"]))
            raise BadCredentials()
        sign_in_limit.succeeded(request, data["username"])
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
