"""Everything written about a graded submission: results.json, the console table."""
