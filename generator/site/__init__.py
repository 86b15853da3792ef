"""The site: MkDocs builds docs/ into a fresh folder that replaces site/ whole (its configuration,
its hooks, the swap).
"""
