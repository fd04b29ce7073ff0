"""Business operations. Services take the actor as an argument and never read the request."""
