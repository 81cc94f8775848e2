"""Content: the model (site, authors, posts, tags, sources) and the Markdown pipeline."""
