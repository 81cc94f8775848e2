"""The addresses of posts that went to the Trash, as the build reads them.

Each answers 410 Gone, or redirects to the post chosen to replace it while that post is
live (a replacement since taken down leaves the address gone). The model import waits
inside the function, as in :mod:`masthead.sitegen.snapshot`.
"""

from __future__ import annotations


def gone_addresses(live: dict[int, str]) -> tuple[tuple[str, str], ...]:
    """(address, where it now redirects or "") for each gone address, in address order;
    ``live`` maps the id of each published post and page to its address."""
    from masthead.content.models import GoneAddress

    rows = GoneAddress.objects.order_by("path").values_list("path", "replacement_id")
    return tuple((path, live.get(replacement, "") if replacement else "")
                 for path, replacement in rows)
