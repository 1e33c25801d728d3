import sys

from reform.cli import main

sys.exit(main())
