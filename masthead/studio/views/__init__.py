"""Studio pages, a module for each part of the studio. Each view: who is asking, may
they, then one action (the only way anything is written)."""
