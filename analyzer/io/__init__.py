"""Reading input: from a file or a DataFrame to the comments and rejects tables, and writing output folders safely.

- ``readers``: :func:`~analyzer.io.readers.read_table`, any supported file or stream to one raw table of strings.
- ``sniff``: format, encoding and delimiter detection; the front-door check of a path (missing, empty, binary).
- ``limits``: the safety limits every reader keeps (size, rows, columns, cells, nesting, unpacked size).
- ``raw_table``: the raw table a reader returns; typed cells to strings, header names made unique.
- ``delimited``: the CSV, TSV, semicolon- and pipe-separated text reader.
- ``json_records``: the JSON Lines and JSON array reader.
- ``workbooks``: the XLSX reader (first worksheet, zip sizes checked before unpacking).
- ``columnar``: the Parquet reader (footer checked before unpacking).
- ``columns``: column role guessing (text, date, NPS, id, channel, respondent).
- ``ingest``: rows to the comments table or the rejects table, with line and reason.
- ``rejections``: stopping a run whose rejects show a wrong column guess or leave no row to analyse.
- ``atomic``: replacing a whole folder atomically (a run's outputs, a saved model).
"""
