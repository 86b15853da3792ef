"""The records: YAML read with positions, the schema's types and record definitions, the cross-
file model and its rules (the quote check and a series' versions among them), and the YAML
edits of hand-written files.
"""
