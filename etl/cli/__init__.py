"""`python -m etl`: the command line, also the contract for automation."""
