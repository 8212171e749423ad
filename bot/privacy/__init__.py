"""Privacy: what is saved, who can see it, and deleting it."""
