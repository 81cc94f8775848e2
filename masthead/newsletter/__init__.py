"""The newsletter: subscribers with double opt-in, their lists in and out (CSV), and
the emails that confirm, welcome and (later) carry every post."""
