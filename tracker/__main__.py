"""python -m tracker"""

from tracker.cli.app import main

main()
