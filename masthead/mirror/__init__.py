"""Getting everything out: export, and later backups and signed mirrors."""
