from django.urls import path, re_path

from masthead.studio import views

urlpatterns = [
    path("studio/", views.post_list, name="posts"),
    path("studio/login/", views.login_view, name="login"),
    path("studio/logout/", views.logout_view, name="logout"),
    path("studio/password/reset/", views.password_reset, name="password_reset"),
    path("studio/password/reset/<str:uidb64>/<str:token>/", views.password_reset_confirm,
         name="password_reset_confirm"),
    path("studio/posts/new/", views.new_post, name="new_post"),
    path("studio/posts/<int:post_id>/", views.edit_post, name="edit_post"),
    path("studio/posts/<int:post_id>/autosave/", views.autosave_post, name="autosave"),
    path("studio/posts/<int:post_id>/revisions/", views.revisions, name="revisions"),
    path("studio/revisions/<int:revision_id>/restore/", views.restore, name="restore"),
    path("studio/preview/", views.preview, name="preview"),
    path("studio/settings/", views.site_settings_view, name="site_settings"),
    path("studio/sources/", views.sources_view, name="sources"),
    path("studio/media/", views.upload_image, name="upload_image"),
    path("studio/newsletter/", views.newsletter_view, name="newsletter"),
    re_path(r"^studio/static/(?P<path>[\w./-]+)$", views.static, name="studio_static"),
]
