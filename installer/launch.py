"""Entry script of the PyInstaller bundle.

It sits outside the package so PyInstaller imports ``gridstation`` as a package (a script inside
it would put ``gridstation/`` itself on sys.path). The same ``main`` serves the GUI and the CLI.
"""

import multiprocessing

from gridstation.cli import main

if __name__ == "__main__":
    # The bundle's executable is also the interpreter of core.storage.child_work's child processes:
    # started as one, it runs the child's work here and exits.
    multiprocessing.freeze_support()
    raise SystemExit(main())
