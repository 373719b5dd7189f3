"""allauth's forms with the project's plain-English errors (common.forms.plain_messages): the
sign-in pages say "Enter “Username”", not "This field is required." (settings ACCOUNT_FORMS and
MFA_FORMS name these)."""

from allauth.account import forms as account
from allauth.mfa.base import forms as mfa
from allauth.mfa.totp import forms as totp

from alongside.common.forms import PlainMessages


class LoginForm(PlainMessages, account.LoginForm):  # type: ignore[misc]  # allauth is untyped
    pass


class ChangePasswordForm(PlainMessages, account.ChangePasswordForm):  # type: ignore[misc]
    pass


class ResetPasswordForm(PlainMessages, account.ResetPasswordForm):  # type: ignore[misc]
    pass


class ResetPasswordKeyForm(PlainMessages, account.ResetPasswordKeyForm):  # type: ignore[misc]
    pass


class ReauthenticateForm(PlainMessages, account.ReauthenticateForm):  # type: ignore[misc]
    pass


class AuthenticateForm(PlainMessages, mfa.AuthenticateForm):  # type: ignore[misc]
    pass


class MFAReauthenticateForm(PlainMessages, mfa.ReauthenticateForm):  # type: ignore[misc]
    pass


class ActivateTOTPForm(PlainMessages, totp.ActivateTOTPForm):  # type: ignore[misc]
    pass
