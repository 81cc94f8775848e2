"""Reader support: members (every newsletter subscriber is a free one), tiers, magic-link
sign-in, member sessions and who may read a gated post. ``actions`` is the only writer."""
