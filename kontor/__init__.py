"""Kontor: an open-source CRM for Targets → Leads → Contacts + Accounts → Opportunities."""
