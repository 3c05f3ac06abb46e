"""`python -m etl.sample` writes the illustrative sample workbooks into data/sample/ again."""

from etl.sample.generate import main

main()
