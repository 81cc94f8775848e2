from django.urls import path

from masthead.members import membership, views

urlpatterns = [
    path("members/signin/", views.signin, name="member_signin"),
    path("members/signin/<str:token>/", views.signin_link, name="member_signin_link"),
    path("members/email/<str:token>/", views.email_link, name="member_email_link"),
    path("members/account/", views.account, name="member_account"),
    path("membership/", membership.membership, name="membership"),
]
