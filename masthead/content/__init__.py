"""Content: the model (site, authors, posts, tags, sources), its settings and addresses."""
