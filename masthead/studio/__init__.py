"""The writer's studio at /studio/: log in, write, preview, publish (Django views).

Views parse the request, check :mod:`masthead.accounts.permissions`, and call one action
(:mod:`masthead.content.publishing`); they never write models themselves.
"""
