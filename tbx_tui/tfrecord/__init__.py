"""Framing and CRC32C of TFRecord files, shared by the reader and the writer."""
