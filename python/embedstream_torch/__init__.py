"""embedstream in plain PyTorch: the project's built-in networks and losses, for serving stacks and reference loops.

Runs with Debian's python3-torch (/usr/bin/python3); nothing here is needed by the Java pipeline itself.
"""
