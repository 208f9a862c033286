"""File access shared by the reader and the writer: local paths via ``os``, URLs via fsspec."""
