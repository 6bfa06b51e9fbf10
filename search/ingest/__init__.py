"""From source files to documents: formats, encodings, boilerplate, titles,
meeting metadata."""
