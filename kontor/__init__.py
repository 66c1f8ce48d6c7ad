"""Kontor: an open-source CRM for the journey Targets → Leads → Contacts + Accounts → Opportunities."""
