from gridstation.cli import main

raise SystemExit(main())
