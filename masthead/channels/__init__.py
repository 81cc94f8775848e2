"""Channels: every publication announced in a Telegram channel and, by signed webhook,
to any service that asks (docs/channels.md).

Publishing names the job ``"channels.announce"`` on publish, edit and unpublish and
never imports this package; the job finds the channels, records a delivery for each
(one per post, channel and event, so re-running never posts twice) and queues one
small job per delivery, each with its own retries.
"""
