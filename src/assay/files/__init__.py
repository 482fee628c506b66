"""Files: uploads and URL imports kept in the media store, served back to their owners."""
