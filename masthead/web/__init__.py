"""The server: the static site now; the studio and the inbox join it later."""
