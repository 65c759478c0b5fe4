import sys

from llminfra.cli import main

sys.exit(main())
