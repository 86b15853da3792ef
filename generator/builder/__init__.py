"""The one way through a build: lock, recover, no-op check, load, validate, render, export, write,
site, record.
"""
