from django.urls import path

from referrals import api

urlpatterns = [
    path("referrals/", api.ReferralListCreate.as_view(), name="referral-list"),
    path("referrals/<uuid:pk>/", api.ReferralDetail.as_view(), name="referral-detail"),
    path("referrals/<uuid:pk>/send/", api.ReferralSend.as_view(), name="referral-send"),
    path("referrals/<uuid:pk>/acknowledge/", api.ReferralAcknowledge.as_view(), name="referral-acknowledge"),
    path("referrals/<uuid:pk>/accept/", api.ReferralAccept.as_view(), name="referral-accept"),
    path("referrals/<uuid:pk>/decline/", api.ReferralDecline.as_view(), name="referral-decline"),
    path("referrals/<uuid:pk>/withdraw/", api.ReferralWithdraw.as_view(), name="referral-withdraw"),
    path("referrals/<uuid:pk>/close/", api.ReferralClose.as_view(), name="referral-close"),
    path("referrals/<uuid:pk>/decision/", api.ReferralDecision.as_view(), name="referral-decision"),
    path("referrals/<uuid:pk>/list/", api.ReferralList.as_view(), name="referral-list-for-sitting"),
    path("referrals/<uuid:pk>/not-list/", api.ReferralNotList.as_view(), name="referral-not-list"),
    path("referrals/<uuid:pk>/challenge/", api.ReferralChallenge.as_view(), name="referral-challenge"),
    path("mappa-nominals/", api.NominalListCreate.as_view(), name="mappa-nominal-list"),
    path("mappa-nominals/<uuid:pk>/", api.NominalDetail.as_view(), name="mappa-nominal-detail"),
    path("mappa-nominals/<uuid:pk>/review/", api.NominalReview.as_view(), name="mappa-nominal-review"),
    path("mappa-nominals/<uuid:pk>/exit/", api.NominalExit.as_view(), name="mappa-nominal-exit"),
    path("mappa-nominals/<uuid:pk>/agencies/", api.NominalAgencies.as_view(), name="mappa-nominal-agencies"),
]
