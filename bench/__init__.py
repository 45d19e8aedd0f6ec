"""Data generator and benchmarks for "fast at a million tickets".

`flask bench seed --tickets N` (bench/seed.py) fills a realistic workspace with bulk
inserts; `python -m bench` (bench/__main__.py, what `make bench` runs) measures the
inbox, search and ticket pages through the WSGI app at several sizes. See README.md.
"""
