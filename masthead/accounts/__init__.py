"""Who may use the studio: accounts, roles and what each role may do."""
