"""Stage 1, plan import: read a published plan (.txt, .docx) into tasks, owners and targets."""
