"""Accounts: organisations (firms, departments, certification bodies), users and roles."""
