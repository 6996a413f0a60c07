"""Shared core: errors, problem records, the master's types, text, Excel I/O, files, LibreOffice."""
