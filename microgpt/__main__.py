"""`python -m microgpt`: the same as the `microgpt` command."""

# --8<-- [start:entry]
from microgpt.cli import main

if __name__ == "__main__":
    main()
# --8<-- [end:entry]
