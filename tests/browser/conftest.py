"""The browser tests open the paper of the session's build (the `built` fixture of
tests/conftest.py)."""
