"""The writer's studio at /studio/: log in, write, preview, publish (Django views).

Views parse the request, check :mod:`masthead.accounts.permissions`, and call one action
(:mod:`masthead.publishing.actions`); they never write models themselves.
"""
