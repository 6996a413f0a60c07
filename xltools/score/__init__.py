"""The year-end 考核: each unit's points and deductions over the year's collected rounds."""
