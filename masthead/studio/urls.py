from django.urls import path, re_path

import masthead.studio.views.channels as channels_views
import masthead.studio.views.stats as stats_views
from masthead.studio.views import access, accounts, newsletter, posts, site, sources
from masthead.studio.views import books as book_views
from masthead.studio.views import email as email_page
from masthead.studio.views import live as live_views
from masthead.studio.views import media as media_views
from masthead.studio.views import outbox as outbox_page
from masthead.studio.views import people as people_page
from masthead.studio.views import preview as preview_views
from masthead.studio.views import trash as trash_views

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
    path("studio/preview/", preview_views.preview, name="preview"),
    path("studio/media/", media_views.upload_image, name="upload_image"),
    path("studio/media/files/<path:path>", media_views.media_file, name="media_file"),
    path("studio/preview/theme/<path:path>", preview_views.theme_file, name="preview_theme"),
    path("studio/settings/", site.site_settings_view, name="site_settings"),
    path("studio/sources/", sources.sources_view, name="sources"),
    path("studio/newsletter/", newsletter.newsletter_view, name="newsletter"),
    path("studio/posts/<int:post_id>/live/", live_views.post_live, name="post_live"),
    path("studio/email/", email_page.email_view, name="email"),
    path("studio/outbox/", outbox_page.outbox_view, name="outbox"),
    path("studio/outbox/<str:name>/", outbox_page.message_view, name="outbox_message"),
    path("studio/outbox/<str:name>/html/", outbox_page.message_html, name="outbox_html"),
    path("studio/people/", people_page.people_view, name="people"),
    path("studio/invitation/<str:token>/", people_page.invitation_view, name="invitation"),
    path("studio/newsletter/import/", newsletter.import_view, name="newsletter_import"),
    path("studio/newsletter/export.csv", newsletter.export_view, name="newsletter_export"),
    path("studio/newsletter/send/<int:post_id>/", newsletter.send_view, name="newsletter_send"),
    path("studio/newsletter/progress/", newsletter.progress_view, name="newsletter_progress"),
    path("studio/trash/", trash_views.trash_view, name="trash"),
    path("studio/posts/<int:post_id>/trash/", trash_views.trash_post, name="trash_post"),
    path("studio/posts/<int:post_id>/restore/", trash_views.restore_post, name="restore_post"),
    path("studio/posts/<int:post_id>/delete/", trash_views.delete_post, name="delete_post"),
    path("studio/stats/", stats_views.stats_view, name="stats"),
    path("studio/channels/", channels_views.channels_view, name="channels"),
    path("studio/stats.csv", stats_views.stats_csv, name="stats_csv"),
    path("studio/books/", book_views.books_view, name="books"),
    path("studio/books/<str:slug>/", book_views.book_view, name="book"),
    path("studio/books/<str:slug>/build/", book_views.build_view, name="book_build"),
    path("studio/books/<str:slug>/status/", book_views.status_view, name="book_status"),
    path("studio/books/<str:slug>/files/<str:name>", book_views.file_view, name="book_file"),
    re_path(r"^studio/static/(?P<path>[\w./-]+)$", access.static, name="studio_static"),
]
