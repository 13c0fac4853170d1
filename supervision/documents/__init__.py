"""Documents: uploads and generated files, stored by SHA-256 outside the web root."""
