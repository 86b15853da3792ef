"""lsfmm-prep: YAML records about LSF/MM/BPF sessions -> Markdown briefs for MkDocs."""

__version__ = "0.1.0"
