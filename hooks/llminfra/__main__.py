import sys

from llminfra.commands.cli import main

sys.exit(main())
