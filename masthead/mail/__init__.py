"""The mail server the site sends through: masthead.toml's [smtp] or the studio's Email
page, the DKIM key, the connection (SMTP, or a folder for the demo), and the records to
publish in DNS. The newsletter and accounts both send through here."""
