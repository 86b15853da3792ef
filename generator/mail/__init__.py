"""Mail in: mbox and .eml files read, and a thread's messages turned into edits of the data files."""
