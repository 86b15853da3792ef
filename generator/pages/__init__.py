"""The pages: the Site rendered into Markdown through the templates, the agenda grid, and text
made safe for Markdown.
"""
