"""`python -m membrane_pusher.sandbox.standin`: run the stand-in."""

from membrane_pusher.sandbox.standin import main

raise SystemExit(main())
