"""Stage 3, distribute: form definitions, the embedded identity, one fillable workbook per unit."""
