"""`python -m cxrules …` (and `spark-submit …/cxrules/__main__.py …`): the command line."""

from cxrules.cli import run

if __name__ == "__main__":
    run()
