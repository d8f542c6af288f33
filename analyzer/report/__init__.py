"""Writing a run: tables as CSV/XLSX/Parquet/JSON (tables), the output folder (folder), the self-contained HTML page (html)."""
