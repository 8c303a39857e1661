from django.urls import path

from safeguarding.accounts import account_views, people_views, views

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
    # The user's own account (credential changes need a recent re-authentication).
    path("", account_views.account, name="account"),
    path("confirm-identity/", account_views.reauth, name="reauth"),
    path("password/", account_views.password_change, name="password-change"),
    path("email/", account_views.email_change, name="email-change"),
    path("authenticator/", account_views.authenticator_replace, name="authenticator-replace"),
    path("recovery-codes/new/", account_views.recovery_codes_regenerate, name="recovery-codes-regenerate"),
    path("sessions/", account_views.sessions, name="sessions"),
    path("sessions/end-others/", account_views.sessions_end_others, name="sessions-end-others"),
    path("sessions/<uuid:public_id>/end/", account_views.session_end, name="session-end"),
    # Agency administrators and leads.
    path("people/", people_views.people, name="people"),
    path("people/<uuid:pk>/reset-authenticator/", people_views.person_mfa_reset, name="person-mfa-reset"),
    path("people/<uuid:pk>/deactivate/", people_views.person_deactivate, name="person-deactivate"),
    path("sign-in-events/", people_views.auth_events, name="auth-events"),
]
