"""A post announced in a Telegram channel through the Bot API emulator (npm
telegram-test-api), published, edited and taken down through the real worker; the
emulator checks no limits, so these tests check Telegram's rules themselves."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.channels.conftest import CHAT, channel_site
from tests.conftest import run_masthead

ALLOWED = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
           "tg-spoiler", "span", "blockquote", "tg-emoji"}


class TelegramHTML(HTMLParser):
    """Telegram's HTML rules: known tags, balanced, only &lt; &gt; &amp; &quot; entities."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED:
            self.problems.append(f"tag {tag}")
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.problems.append(f"unbalanced {tag}")

    def handle_entityref(self, name):
        if name not in ("lt", "gt", "amp", "quot"):
            self.problems.append(f"entity {name}")
        self.text += {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}.get(name, "?")

    def handle_data(self, data):
        if "<" in data or ">" in data:
            self.problems.append("raw angle bracket")
        self.text += data


def check_telegram_html(html: str, limit: int) -> str:
    parser = TelegramHTML()
    parser.feed(html)
    parser.close()
    assert not parser.problems and not parser.stack, (parser.problems, parser.stack)
    assert len(parser.text.encode("utf-16-le")) // 2 <= limit
    assert len(html.encode("utf-16-le")) // 2 <= limit
    return parser.text


def write_post(folder, slug, title, body):
    folder.mkdir(exist_ok=True)
    (folder / f"{slug}.md").write_text(f"---\ntitle: \"{title}\"\ndate: 2025-01-01\n"
                                       f"draft: true\n---\n\n{body}\n")


def test_publish_edit_and_unpublish_keep_the_channel_in_step(tmp_path, database_url,
                                                             emulator):
    site = channel_site(tmp_path, database_url, emulator.url)
    posts = tmp_path / "posts"
    write_post(posts, "old", "Old news", "Already out.")
    run_masthead("import", "markdown", posts, site=site)
    run_masthead("post", "publish", "old", site=site)  # before the channel: never announced
    run_masthead("channel", "add", "telegram", "--token-env", "BOT_TOKEN", "--chat", CHAT,
                 "--name", "main", site=site)
    body = ("Fish & chips: 1 < 2 and 3 > 1. " * 400).strip()  # far past 4,096 escaped
    write_post(posts, "long", "Tom & Jerry <3", body)
    run_masthead("import", "markdown", posts, site=site)
    run_masthead("post", "publish", "long", site=site)
    run_masthead("worker", "--burst", site=site)

    (message,) = emulator.messages()
    sent = message["message"]
    assert str(sent["chat_id"]) == CHAT and sent["parse_mode"] == "HTML"
    text = check_telegram_html(sent["text"], 4096)
    assert text.startswith("Tom & Jerry <3\n\nFish & chips: 1 < 2 and 3 > 1. Fish")
    assert "…" in text  # shortened, at a word
    link = re.search(r'<a href="([^"]+)">', sent["text"]).group(1)
    assert link.startswith("https://essays.example.org/") and "long" in link
    assert "listed" not in run_masthead("channel", "list", site=site).stdout
    assert "1 sent" in run_masthead("channel", "list", site=site).stdout

    # An update edits the same message; running the worker again posts nothing new.
    write_post(posts, "long", "Tom & Jerry, revised", "A short text now.")
    run_masthead("import", "markdown", posts, site=site)
    run_masthead("post", "publish", "long", site=site)
    run_masthead("worker", "--burst", site=site)
    run_masthead("worker", "--burst", site=site)
    (message,) = emulator.messages()
    assert check_telegram_html(message["message"]["text"], 4096).startswith(
        "Tom & Jerry, revised\n\nA short text now.")

    run_masthead("post", "unpublish", "long", site=site)
    run_masthead("worker", "--burst", site=site)
    assert emulator.messages() == []


def test_channel_test_sends_now_and_a_wrong_token_is_reported(tmp_path, emulator):
    site = channel_site(tmp_path, None, emulator.url)
    run_masthead("channel", "add", "telegram", "--token-env", "BOT_TOKEN", "--chat", CHAT,
                 site=site)
    done = run_masthead("channel", "test", f"telegram{CHAT}", site=site)
    assert "message" in done.stdout and "sent" in done.stdout
    assert "Test from" in emulator.messages()[0]["message"]["text"]
    missing = run_masthead("channel", "add", "telegram", "--token-env", "NOT_SET",
                           "--chat", "@essays_channel", site=site, check=False)
    assert missing.code == 1 and "NOT_SET is not set" in missing.stderr
    run_masthead("channel", "remove", f"telegram{CHAT}", site=site)
    assert run_masthead("channel", "list", site=site).stdout.strip() == ""
