"""Stage 4, collect: find, read and check the returned workbooks; write the merged data and reports."""
