"""Entry script of the PyInstaller bundle.

It sits outside the package so PyInstaller imports ``gridstation`` as a package (a script inside
it would put ``gridstation/`` itself on sys.path). The same ``main`` serves the GUI and the CLI.
"""

from gridstation.cli import main

raise SystemExit(main())
