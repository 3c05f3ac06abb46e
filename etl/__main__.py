import sys

from etl.cli.main import main

sys.exit(main())
