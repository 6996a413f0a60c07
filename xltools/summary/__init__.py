"""Stage 5, summary: the leaders' quarterly report, from the files collect wrote."""
