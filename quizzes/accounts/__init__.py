"""Accounts: roles, who may reach what, sign-up and log-in."""
