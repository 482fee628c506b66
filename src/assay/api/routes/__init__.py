"""Routers. Each route parses, authorizes, calls one service and serializes."""
