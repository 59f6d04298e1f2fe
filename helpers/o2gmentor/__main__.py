from o2gmentor.cli import main

raise SystemExit(main())
