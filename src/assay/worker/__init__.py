"""Workers: claim jobs from the database and run them (callbacks today)."""
