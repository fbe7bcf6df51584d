"""Solution concepts for TU games, one module per family."""
