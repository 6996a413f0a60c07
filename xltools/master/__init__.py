"""Stage 2, master and workspace: the unit directory, master.xlsx and xltools.yaml."""
