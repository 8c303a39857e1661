from django.urls import path

from safeguarding.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/security-code/", views.mfa, name="mfa"),
    path("sign-in/security-code/verify/", views.mfa_verify, name="mfa-verify"),
    path("sign-in/security-code/recovery/", views.mfa_recovery, name="mfa-recovery"),
    path("sign-in/set-up-authenticator/", views.mfa_enrol, name="mfa-enrol"),
    path("recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("enrol/<str:token>/", views.enrol_link, name="enrol-link"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path("password-reset/sent/", views.password_reset_sent, name="password-reset-sent"),
    path("password-reset/<uidb64>/<token>/", views.password_reset_confirm, name="password-reset-confirm"),
    path("signed-out/", views.signed_out, name="signed-out"),
]
