"""What a rebuild reuses: one fingerprint, one folder (.lsfmm-cache/), the parsed files, pages and
pure results kept there.
"""
