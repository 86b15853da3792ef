"""The exports: data.json, the calendars and their history, the JSON Schemas for editors, and the
PDF briefs.
"""
