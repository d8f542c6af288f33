"""Reading input: file formats and encodings (readers), column roles (columns), rows to comments or rejects (ingest), atomic folder writes (atomic)."""
