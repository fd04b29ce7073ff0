"""The department's statistics of its platforms and the public list of centers."""
