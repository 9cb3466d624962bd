import multiprocessing

from gridstation.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a no-op unless this process is a child of core.storage.child_work
    raise SystemExit(main())
