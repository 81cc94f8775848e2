from django.urls import path, re_path

import masthead.studio.views.stats as stats_views
from masthead.studio.views import access, accounts, newsletter, posts, site, sources

urlpatterns = [
    path("studio/", posts.post_list, name="posts"),
    path("studio/login/", accounts.login_view, name="login"),
    path("studio/logout/", accounts.logout_view, name="logout"),
    path("studio/password/reset/", accounts.password_reset, name="password_reset"),
    path("studio/password/reset/<str:uidb64>/<str:token>/", accounts.password_reset_confirm,
         name="password_reset_confirm"),
    path("studio/posts/new/", posts.new_post, name="new_post"),
    path("studio/posts/<int:post_id>/", posts.edit_post, name="edit_post"),
    path("studio/posts/<int:post_id>/autosave/", posts.autosave_post, name="autosave"),
    path("studio/posts/<int:post_id>/revisions/", posts.revisions, name="revisions"),
    path("studio/revisions/<int:revision_id>/restore/", posts.restore, name="restore"),
    path("studio/preview/", posts.preview, name="preview"),
    path("studio/media/", posts.upload_image, name="upload_image"),
    path("studio/settings/", site.site_settings_view, name="site_settings"),
    path("studio/sources/", sources.sources_view, name="sources"),
    path("studio/newsletter/", newsletter.newsletter_view, name="newsletter"),
    path("studio/stats/", stats_views.stats_view, name="stats"),
    path("studio/stats.csv", stats_views.stats_csv, name="stats_csv"),
    re_path(r"^studio/static/(?P<path>[\w./-]+)$", access.static, name="studio_static"),
]
